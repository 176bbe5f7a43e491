// The reference a cached variant and the cold start are held to: a bare Deno.serve returning
// the same bytes from memory (or {"ok":true} at /healthz), nothing else.
//   deno run --allow-net --allow-read bench/bare_server.ts <port> [file] [content-type]
const [port, file, type] = Deno.args;
const bytes = file ? await Deno.readFile(file) : new TextEncoder().encode('{"ok":true}');
const headers = { "content-type": type ?? "application/json" };
Deno.serve(
  { port: Number(port), hostname: "127.0.0.1", onListen: () => {} },
  () => new Response(bytes, { headers }),
);
