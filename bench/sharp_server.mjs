// Benchmark-only reference (issue 12): a small Node + sharp HTTP server doing our transform on
// bytes held in memory, as imgproxy-style services do. Never imported by the service or tests.
//   node bench/sharp_server.mjs <port> <image file>
// GET /t?size=m&quality=Q&saturation=S  → JPEG, short side 640 (as our size=m)
// GET /inprocess?runs=7                  → {"ms": median of size=m decode+resize+encode in-process}
import http from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.SHARP_FROM ?? import.meta.url);
const sharp = require("sharp");
sharp.cache(false);

const [port, file] = process.argv.slice(2);
const input = readFileSync(file);

function sizeM(q, saturation) {
  let p = sharp(input).rotate().resize({ width: 640, height: 640, fit: "outside" });
  if (saturation !== 1) p = p.modulate({ saturation });
  return p.jpeg({ quality: q }).toBuffer();
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  try {
    if (url.pathname === "/inprocess") {
      const runs = Number(url.searchParams.get("runs") ?? 7);
      await sizeM(80, 1);
      const times = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await sizeM(80, 1);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ms: times[Math.floor(times.length / 2)], runs }));
      return;
    }
    const q = Number(url.searchParams.get("quality") ?? 80);
    const s = Number(url.searchParams.get("saturation") ?? 1);
    const out = await sizeM(q, s);
    res.writeHead(200, { "content-type": "image/jpeg", "content-length": out.length });
    res.end(out);
  } catch (err) {
    res.writeHead(500);
    res.end(String(err));
  }
});
server.listen(Number(port), "127.0.0.1", () => console.log(`listening ${port}`));
