import { decodeSource } from "../src/imaging/mod.ts";
import { blur } from "../src/pixels/mod.ts";
import { signedQuery } from "../src/delivery/mod.ts";
import { segmentForeground } from "../src/vision/engine.ts";
import { composite, maskIou, plain } from "../src/vision/evaluation.ts";
import { type Bench, type Figure, fixture, startApp, upload, withFileKv } from "./support.ts";

/** Each method in its own process, on the fixture it is meant for. */
const METHODS: [string, string][] = [
  ["flood", "alpha.png"],
  ["selfie", "portrait.png"],
  ["grabcut", "coffee.png"],
  ["nanodet", "portrait.png"],
  ["blazeface", "portrait.png"],
  ["route", "large.jpg"],
];

async function method(name: string, file: string): Promise<Figure[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      new URL("vision_method.ts", import.meta.url).pathname,
      name,
      file,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
  const label = `${name} (${file}${r.detail ? ` → ${r.detail}` : ""})`;
  return [
    { name: `${label}: first call (model load)`, value: r.cold, unit: "ms" },
    { name: `${label}: warm`, value: r.warm, unit: "ms" },
    { name: `${label}: peak RSS`, value: r.rssMb, unit: "MB" },
  ];
}

async function iou(): Promise<Figure[]> {
  const load = async (f: string) =>
    (await decodeSource(await fixture(f), f.endsWith(".png") ? "png" : "jpeg"))[0];
  const cut = await load("alpha.png");
  const cases: [string, Parameters<typeof composite>[1]][] = [
    ["plain grey", plain(640, 427, [200, 200, 205])],
    ["rocket.jpg", await load("rocket.jpg")],
    ["coffee.png blurred", blur(await load("coffee.png"), 12)],
    ["cat.png", await load("cat.png")],
  ];
  const figures: Figure[] = [];
  for (const [name, backdrop] of cases) {
    const { image, truth } = composite(cut, backdrop);
    const s = await segmentForeground(image);
    figures.push({
      name: `IoU, alpha.png shapes on ${name} (${s.method})`,
      value: maskIou(truth, s.mask),
      unit: "",
      digits: 3,
    });
  }
  return figures;
}

/** Through HTTP: the first request (Worker start, models, mask) and the cached ones. */
async function latency(): Promise<Figure[]> {
  return await withFileKv("vision", async (kv) => {
    const app = startApp(kv);
    try {
      const figures: Figure[] = [];
      const time = async (path: string) => {
        const t = performance.now();
        const res = await fetch(`${app.base}${path}`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        return performance.now() - t;
      };
      for (const file of ["portrait.png", "coffee.png"]) {
        const { body } = await upload(app.base, new Blob([await fixture(file)]), file);
        const id = body.id!;
        figures.push(
          {
            name: `${file} ?segment=foreground, first request`,
            value: await time(`/${id}?segment=foreground`),
            unit: "ms",
          },
          {
            name: `${file} .webp?segment=foreground (cached mask)`,
            value: await time(`/${id}.webp?segment=foreground`),
            unit: "ms",
          },
          {
            name: `${file} ?segment=foreground again (cached variant)`,
            value: await time(`/${id}?segment=foreground`),
            unit: "ms",
          },
        );
      }
      // Face crop: the first request detects the faces, a second size reuses them.
      const { body } = await upload(app.base, new Blob([await fixture("portrait.png")]), "p.png");
      const face = async (w: number, h: number) => {
        const q = await signedQuery(app.services.secret, body.id!, {
          w,
          h,
          fit: "cover",
          gravity: { kind: "face" },
        });
        return await time(`/${body.id}?${q}`);
      };
      figures.push(
        {
          name: "portrait.png gravity=face 600x200, first request",
          value: await face(600, 200),
          unit: "ms",
        },
        {
          name: "portrait.png gravity=face 200x200 (cached faces)",
          value: await face(200, 200),
          unit: "ms",
        },
      );
      return figures;
    } finally {
      await app.close();
    }
  });
}

export const vision: Bench = {
  id: "vision",
  name: "background removal and face detection (noisy: shared 2-core machine)",
  async run() {
    const figures: Figure[] = [];
    for (const [name, file] of METHODS) figures.push(...await method(name, file));
    figures.push(...await iou(), ...await latency());
    return figures;
  },
};
