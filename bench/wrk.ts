/** wrk (Debian's package, native) as the load generator: it does not compete as a Deno one would. */
export type WrkResult = { rps: number; p50: number; p99: number; requests: number; errors: number };

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function ms(text: string): number {
  const m = text.match(/^([\d.]+)(us|ms|s|m)$/);
  if (!m) throw new Error(`wrk latency "${text}" not understood`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Parses `wrk --latency` output. */
export function parseWrk(out: string): WrkResult {
  const pct = (p: string) => {
    const m = out.match(new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m"));
    if (!m) throw new Error(`no ${p}% line in wrk output:\n${out}`);
    return ms(m[1]);
  };
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN);
  const requests = Number(out.match(/(\d+) requests in/)?.[1] ?? 0);
  const sock = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const errors = non2xx + (sock ? sock.slice(1).reduce((n, s) => n + Number(s), 0) : 0);
  return { rps, p50: pct("50"), p99: pct("99"), requests, errors };
}

/** `wrk -t1 -c<connections> -d<seconds>s --latency [-s script] url [-- args]`. */
export async function wrk(
  url: string,
  opts: { connections: number; seconds: number; script?: string; args?: string[] },
): Promise<WrkResult> {
  const args = ["-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--latency"];
  if (opts.script) args.push("-s", opts.script);
  args.push(url);
  if (opts.args?.length) args.push("--", ...opts.args);
  const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  return parseWrk(text);
}
