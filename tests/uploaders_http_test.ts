import assert from "node:assert/strict";
import { decodePixels } from "../src/codecs/mod.ts";
import {
  ORIGIN,
  postForm,
  register,
  sessionCookieOf,
  signUp,
  withKey,
} from "./support/accounts.ts";
import { type TestApp, withApp } from "./support/http.ts";
import { fixture, testApp } from "./support/test_app.ts";

type Sxcu = {
  DestinationType: string;
  RequestMethod: string;
  RequestURL: string;
  Headers?: Record<string, string>;
  Body: string;
  FileFormName: string;
  URL: string;
  ThumbnailURL: string;
  DeletionURL: string;
};

/** ShareX's `{json:a.b}` template syntax, resolved against the upload's answer. */
function fill(template: string, answer: Record<string, unknown>): string {
  return template.replace(/\{json:([\w.]+)\}/g, (_m, path: string) => {
    const value = path.split(".").reduce<unknown>(
      (o, k) => (o as Record<string, unknown> | undefined)?.[k],
      answer,
    );
    return value === undefined ? "" : String(value);
  });
}

/** What ShareX does with an .sxcu: the request it describes, then its URL templates. */
async function shareXUpload(t: TestApp, sxcu: Sxcu, file: Uint8Array) {
  assert.equal(sxcu.DestinationType, "ImageUploader");
  assert.equal(sxcu.Body, "MultipartFormData");
  const form = new FormData();
  form.append(sxcu.FileFormName, new Blob([file as Uint8Array<ArrayBuffer>]), "screenshot.png");
  const res = await t.app.request(sxcu.RequestURL, {
    method: sxcu.RequestMethod,
    headers: sxcu.Headers ?? {},
    body: form,
  });
  const answer = await res.json();
  assert.equal(res.status, 201, JSON.stringify(answer));
  return {
    answer,
    url: fill(sxcu.URL, answer),
    thumbnail: fill(sxcu.ThumbnailURL, answer),
    deletion: fill(sxcu.DeletionURL, answer),
  };
}

async function getImage(t: TestApp, url: string) {
  const res = await t.app.request(url, { headers: { accept: "image/*" } });
  assert.equal(res.status, 200, url);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

Deno.test("ShareX: the .sxcu carries the caller's key, and uploading as it says gives working links", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    const res = await withKey(t, key, "/v1/uploaders/sharex");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-disposition") ?? "", /attachment; filename=".+\.sxcu"/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const sxcu = await res.json() as Sxcu;
    assert.equal(sxcu.RequestMethod, "POST");
    assert.equal(sxcu.RequestURL, "http://img.test/v1/upload");
    assert.equal(sxcu.FileFormName, "file");
    assert.deepEqual(sxcu.Headers, { Authorization: `Bearer ${key}` });
    assert.equal(sxcu.URL, "{json:link}");
    assert.equal(sxcu.DeletionURL, "{json:delete_url}");

    const jpg = await fixture("portrait.jpg");
    const up = await shareXUpload(t, sxcu, jpg);
    const doc = await t.services.queries.get(up.answer.id);
    assert.equal(doc?.owner, accountId, "the upload belongs to the key's account");
    assert.equal(up.url, `http://img.test/${up.answer.id}`);
    const full = await getImage(t, up.url);
    assert.equal(full.res.headers.get("content-type"), "image/jpeg");
    assert.equal((await decodePixels(full.bytes, "jpeg"))[0].width, 512);
    const thumb = await getImage(t, up.thumbnail);
    const [frame] = await decodePixels(thumb.bytes, "jpeg");
    assert.equal(Math.min(frame.width, frame.height), 320, "size=s: short side 320");
    assert.equal(up.deletion, "", "keyed uploads have no delete link; the owner deletes by API");
  });
});

Deno.test("ShareX: anonymous callers get a config without a key, and its delete link works", async () => {
  await withApp(async (t) => {
    const sxcu = await (await t.app.request("/v1/uploaders/sharex")).json() as Sxcu;
    assert.equal(sxcu.Headers, undefined);
    const up = await shareXUpload(t, sxcu, await fixture("alpha.png"));
    assert.ok(up.answer.expires_at, "anonymous: it expires");
    await getImage(t, up.url);
    assert.match(up.deletion, /^http:\/\/img\.test\/delete\/\w{10}\/[\w-]+$/);
    const page = await t.app.request(up.deletion);
    assert.equal(page.status, 200);
    await page.body?.cancel();
    const done = await postForm(t, up.deletion.replace("http://img.test", ""), {});
    assert.equal(done.status, 200);
    await done.body?.cancel();
    const after = await t.app.request(up.url, { headers: { accept: "image/*" } });
    assert.equal(after.status, 410);
    await after.body?.cancel();
  });
});

Deno.test("ShareX: a logged-in session gets no key in the config (keys are stored hashed)", async () => {
  await withApp(async (t) => {
    const cookie = await register(t, "sharex@example.test", "correct horse battery");
    const res = await t.app.request("/v1/uploaders/sharex", {
      headers: { cookie, origin: ORIGIN },
    });
    const sxcu = await res.json() as Sxcu;
    assert.equal(res.status, 200);
    assert.equal(sxcu.Headers, undefined);
  });
});

const dataUrlText = (href: string) => {
  const m = /^data:[^;]+;base64,(.+)$/.exec(href);
  assert.ok(m, href.slice(0, 40));
  return new TextDecoder().decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)));
};

Deno.test("the keys page offers both uploaders, holding the new key, right after a key is made", async () => {
  await withApp(async (t) => {
    const cookie = await register(t, "keys-page@example.test", "correct horse battery");
    const before = await (await t.app.request("/keys", { headers: { cookie } })).text();
    assert.ok(!before.includes(".sxcu"), "no uploader before a key is made");
    const res = await postForm(t, "/keys", { name: "screenshots" }, { cookie });
    const html = await res.text();
    assert.equal(res.status, 200);
    const key = /<code id="new-key">([^<]+)<\/code>/.exec(html)?.[1];
    assert.ok(key);
    const links = [...html.matchAll(/<a download="([^"]+)" href="([^"]+)"/g)];
    assert.deepEqual(links.map((l) => l[1]), ["img.test.sxcu", "imgpro-upload.sh"]);
    const sxcu = JSON.parse(dataUrlText(links[0][2])) as Sxcu;
    assert.deepEqual(sxcu.Headers, { Authorization: `Bearer ${key}` });
    // The downloaded file works as it is.
    const up = await shareXUpload(t, sxcu, await fixture("animated.gif"));
    await getImage(t, up.url);
    assert.ok(dataUrlText(links[1][2]).includes(`API_KEY='${key}'`));
  });
});

/** The app on a real loopback port, PUBLIC_URL pointing at it: curl needs a socket. */
async function withServer(fn: (t: TestApp, base: string) => Promise<void>) {
  let handler: (req: Request) => Response | Promise<Response> = () => new Response(null);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => handler(req),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const t = await testApp({ PUBLIC_URL: base });
  handler = t.app.fetch;
  try {
    await fn(t, base);
  } finally {
    t.close();
    await server.shutdown();
  }
}

/** Runs the downloaded script with `sh -c`, the image as argument or on stdin. */
async function runScript(script: string, args: string[], stdin?: Uint8Array) {
  const child = new Deno.Command("sh", {
    args: ["-c", script, "imgpro-upload.sh", ...args],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("the Flameshot/Spectacle script uploads with curl, from a file or a pipe, and prints the link", async () => {
  await withServer(async (t, base) => {
    const reg = await postForm(t, "/auth/register", {
      email: "flameshot@example.test",
      password: "correct horse battery",
    }, { origin: base });
    assert.equal(reg.status, 303);
    const cookie = sessionCookieOf(reg)!;
    const made = await t.app.request("/v1/keys", {
      method: "POST",
      headers: { cookie, origin: base, "content-type": "application/json" },
      body: JSON.stringify({ name: "shots" }),
    });
    const { key } = await made.json();
    const accountId = (await (await withKey(t, key, "/v1/account")).json()).id;
    const res = await withKey(t, key, "/v1/uploaders/flameshot");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/x-shellscript/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const script = await res.text();

    const fromFile = await runScript(script, ["tests/fixtures/portrait.jpg"]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const link = fromFile.stdout.trim();
    assert.match(link, new RegExp(`^${base}/\\w{10}$`));
    const id = link.slice(-10);
    assert.equal((await t.services.queries.get(id))?.owner, accountId);
    const served = await fetch(link, { headers: { accept: "image/*" } });
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), "image/jpeg");
    await served.body?.cancel();

    // Flameshot's `gui --raw` pipes the PNG in.
    const piped = await runScript(script, [], await fixture("alpha.png"));
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout.trim(), new RegExp(`^${base}/\\w{10}$`));

    // A refusal is reported with the server's message and a failing exit code.
    const bad = await runScript(script, ["tests/fixtures/README.md"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /upload failed \(415\)/);
    const missing = await runScript(script, ["no/such/file.png"]);
    assert.equal(missing.code, 2);

    // Anonymous: no key in it, and the delete link goes to stderr.
    const anon = await (await fetch(`${base}/v1/uploaders/flameshot`)).text();
    assert.ok(anon.includes("API_KEY=''"));
    const a = await runScript(anon, ["tests/fixtures/animated.gif"]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, new RegExp(`delete: ${base}/delete/`));
  });
});
