/**
 * A loopback TCP proxy in front of a real server that can be made to fail half-way: once
 * `cutAfter` bytes have gone upstream it drops every connection and refuses new ones, as a store
 * that goes away in the middle of a request does.
 */
export function cuttingProxy(upstreamPort: number, cutAfter: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const pumps = new Set<Promise<void>>();
  let sent = 0;
  let cut = false;
  const close = (c: Deno.Conn) => {
    open.delete(c);
    try {
      c.close();
    } catch { /* already closed */ }
  };
  const cutAll = () => {
    cut = true;
    try {
      listener.close();
    } catch { /* already closed */ }
    for (const c of [...open]) close(c);
  };
  const pump = async (from: Deno.Conn, to: Deno.Conn, upstream: boolean) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (!cut) {
        const n = await from.read(buf);
        if (n === null) break;
        if (upstream && (sent += n) > cutAfter) return cutAll();
        for (let at = 0; at < n;) at += await to.write(buf.subarray(at, n));
      }
    } catch { /* the other side went */ }
    close(from);
    close(to);
  };
  const serving = (async () => {
    try {
      for await (const client of listener) {
        const server = await Deno.connect({ hostname: "127.0.0.1", port: upstreamPort });
        open.add(client).add(server);
        for (const p of [pump(client, server, true), pump(server, client, false)]) {
          pumps.add(p);
          p.finally(() => pumps.delete(p));
        }
      }
    } catch { /* listener closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get cut() {
      return cut;
    },
    async close() {
      cutAll();
      await serving;
      await Promise.all(pumps);
    },
  };
}
