import { parseStream } from "../../domain/streams.ts";
import { bootstrapCli, shutdown } from "./bootstrap.ts";

const stream = Deno.args[0];
if (!stream || Deno.args.includes("--help")) {
  console.error("usage: deno task audit <stream-id>   e.g. deno task audit image-V1StGXR8Z5");
  Deno.exit(2);
}
const services = await bootstrapCli();
const id = parseStream(stream);
// A name that is no stream id has no events, like a stream that was never written.
const { events } = id ? await services.store.readStream(id) : { events: [] };
for (const e of events) {
  console.log(
    JSON.stringify({
      version: e.version,
      time: new Date(e.meta.at).toISOString(),
      type: e.type,
      data: e.data,
    }),
  );
}
if (events.length === 0) console.error(`stream ${stream} has no events`);
shutdown(services);
Deno.exit(events.length === 0 ? 1 : 0);
