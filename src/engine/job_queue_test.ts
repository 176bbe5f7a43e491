import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { JobQueue } from "./job_queue.ts";

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("the job queue runs a few, queues a few per kind and refuses the rest with overloaded", async () => {
  const q = new JobQueue({
    concurrency: 1,
    waiting: { transform: 1, ingest: 1 },
    retryAfterSeconds: 3,
  });
  const gates: (() => void)[] = [];
  const job = (kind: "transform" | "ingest") =>
    q.run(kind, () => new Promise<string>((resolve) => gates.push(() => resolve(kind))));
  const accepted = [job("transform"), job("transform"), job("ingest")];
  await tick();
  assert.deepEqual([q.running, q.waiting], [1, 2]);
  await assert.rejects(job("transform"), (e) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, "overloaded");
    assert.equal(e.details.retryAfter, 3);
    assert.match(e.message, /transforming/);
    return true;
  });
  await assert.rejects(job("ingest"), /storing other uploads/);
  while (gates.length || q.running) {
    gates.shift()?.();
    await tick();
  }
  assert.deepEqual(await Promise.all(accepted), ["transform", "transform", "ingest"]);
});

Deno.test("a closed queue refuses new and waiting jobs; the running one finishes", async () => {
  const q = new JobQueue({
    concurrency: 1,
    waiting: { transform: 5, ingest: 5 },
    retryAfterSeconds: 2,
  });
  let release!: () => void;
  const running = q.run("transform", () => new Promise<string>((r) => (release = () => r("done"))));
  const waiting = q.run("transform", () => Promise.resolve("never")).catch((e) => e.message);
  await tick();
  q.close();
  assert.match(await waiting, /shutting down/);
  await assert.rejects(q.run("ingest", () => Promise.resolve(1)), /shutting down/);
  release();
  assert.equal(await running, "done");
  assert.equal(q.running, 0);
});

Deno.test("a job's input is prepared while it waits, and never for a refused job", async () => {
  const q = new JobQueue({
    concurrency: 1,
    waiting: { transform: 1, ingest: 0 },
    retryAfterSeconds: 2,
  });
  let release!: () => void;
  const first = q.run("transform", () => new Promise<string>((r) => (release = () => r("first"))));
  let prepared = 0;
  const second = q.run("transform", (input: string) => Promise.resolve(input), () => {
    prepared++;
    return Promise.resolve("second");
  });
  await tick();
  assert.equal(prepared, 1, "read while the first job still runs");
  await assert.rejects(
    q.run("transform", () => Promise.resolve(""), () => {
      prepared++;
      return Promise.resolve("");
    }),
    /transforming/,
  );
  assert.equal(prepared, 1, "the refused job read nothing");
  release();
  assert.deepEqual(await Promise.all([first, second]), ["first", "second"]);
  // A failed preparation gives its slot back.
  await assert.rejects(
    q.run("transform", () => Promise.resolve(1), () => Promise.reject(new Error("gone"))),
    /gone/,
  );
  assert.equal(await q.run("transform", () => Promise.resolve(7)), 7);
  assert.equal(q.running, 0);
});

Deno.test("the memory budget holds a job that does not fit until enough is given back", async () => {
  const q = new JobQueue({
    concurrency: 3,
    waiting: { transform: 5, ingest: 5 },
    retryAfterSeconds: 2,
    memoryBytes: 100,
  });
  const gates = new Map<string, () => void>();
  const started: string[] = [];
  const job = (name: string, cost: number) =>
    q.run(
      "ingest",
      () => {
        started.push(name);
        return new Promise<string>((resolve) => gates.set(name, () => resolve(name)));
      },
      undefined,
      cost,
    );
  const a = job("a", 60);
  const b = job("b", 60); // 120 > 100: waits although a slot is free
  const c = job("c", 10); // behind b, in order, though it would fit
  await tick();
  assert.deepEqual(started, ["a"]);
  assert.equal(q.memoryInUse, 60);
  assert.equal(q.waiting, 2);
  gates.get("a")!();
  await tick();
  assert.deepEqual(started, ["a", "b", "c"]);
  assert.equal(q.memoryInUse, 70);
  gates.get("b")!();
  gates.get("c")!();
  assert.deepEqual(await Promise.all([a, b, c]), ["a", "b", "c"]);
  assert.equal(q.memoryInUse, 0);
});

Deno.test("a job larger than the whole memory budget waits for the others, then runs alone", async () => {
  const q = new JobQueue({
    concurrency: 2,
    waiting: { transform: 5, ingest: 5 },
    retryAfterSeconds: 2,
    memoryBytes: 100,
  });
  const gates = new Map<string, () => void>();
  const running = new Set<string>();
  const alongside: string[][] = [];
  const job = (kind: "ingest" | "transform", name: string, cost: number) =>
    q.run(
      kind,
      () => {
        running.add(name);
        alongside.push([...running].sort());
        return new Promise<string>((resolve) =>
          gates.set(name, () => {
            running.delete(name);
            resolve(name);
          })
        );
      },
      undefined,
      cost,
    );
  const small = job("transform", "small", 30);
  const huge = job("ingest", "huge", 500);
  const after = job("transform", "after", 30);
  await tick();
  assert.deepEqual(alongside, [["small"]]);
  gates.get("small")!();
  await tick();
  assert.deepEqual(alongside, [["small"], ["huge"]]);
  gates.get("huge")!();
  await tick();
  gates.get("after")!();
  assert.deepEqual(await Promise.all([small, huge, after]), ["small", "huge", "after"]);
  assert.deepEqual(alongside, [["small"], ["huge"], ["after"]]);
});
