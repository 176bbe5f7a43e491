import { ImportFailed } from "./errors.ts";
import type { Target } from "./url_policy.ts";

/**
 * Turns a host name into addresses. Injectable so tests can answer for public-looking names
 * (the test task may not reach a name server) and simulate rebinding.
 */
export interface Resolver {
  resolve(hostname: string, signal: AbortSignal): Promise<string[]>;
}

/** A and AAAA through `Deno.resolveDns`, asked in parallel. */
export const systemResolver: Resolver = {
  async resolve(hostname, signal) {
    const answers = await Promise.allSettled([
      Deno.resolveDns(hostname, "A", { signal }),
      Deno.resolveDns(hostname, "AAAA", { signal }),
    ]);
    const addresses = answers.flatMap((a) => a.status === "fulfilled" ? a.value : []);
    if (addresses.length) return addresses;
    const errors = answers.flatMap((a) => a.status === "rejected" ? [a.reason] : []);
    if (errors.every((e) => e instanceof Deno.errors.NotFound)) {
      throw new ImportFailed(
        `The host ${hostname} does not exist (no DNS records).`,
        "Check the host name in the URL.",
      );
    }
    throw new ImportFailed(`Could not look up the host ${hostname}.`, "Try again later.", 30);
  },
};

export type ConnectTarget = {
  address: string;
  port: number;
  /** The name TLS must verify and send as SNI; null for plain http. */
  tlsName: string | null;
  signal: AbortSignal;
};

/** Opens a connection to exactly `address`: no name is resolved past this point. */
export type Connector = (target: ConnectTarget) => Promise<Deno.Conn>;

export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed: by the peer, by the deadline, or by an earlier cleanup.
  }
}

/**
 * `Deno.connect` to the checked address, then `Deno.startTls` with the URL's host name, so the
 * certificate is verified against the name while the socket stays on the address we checked.
 * `caCerts` is for tests that run their own certificate authority.
 */
export function pinnedConnector(caCerts?: string[]): Connector {
  return async ({ address, port, tlsName, signal }) => {
    const tcp = await Deno.connect({ hostname: address, port, signal, autoSelectFamily: false });
    if (tlsName === null) return tcp;
    const tls = await Deno.startTls(tcp, { hostname: tlsName, caCerts });
    // The handshake has no signal of its own; closing the socket is how the deadline ends it.
    const abort = () => closeQuietly(tls);
    signal.addEventListener("abort", abort, { once: true });
    try {
      if (signal.aborted) throw signal.reason;
      await tls.handshake();
      return tls;
    } catch (err) {
      closeQuietly(tls);
      throw err;
    } finally {
      signal.removeEventListener("abort", abort);
    }
  };
}

/**
 * The addresses to check and connect to for a target: its literal, loopback for an allow-listed
 * localhost (checkUrl refuses it otherwise; no DNS needed), else what the resolver says, IPv4
 * first (the common case, and one failed IPv6 route should not eat the deadline).
 */
export async function addressesOf(
  target: Target,
  resolver: Resolver,
  signal: AbortSignal,
): Promise<string[]> {
  if (target.address) return [target.address];
  const bare = target.hostname.replace(/\.$/, "");
  if (bare === "localhost" || bare.endsWith(".localhost")) return ["127.0.0.1", "::1"];
  const found = await resolver.resolve(target.hostname, signal);
  if (found.length === 0) {
    throw new ImportFailed(`The host ${target.hostname} has no addresses.`, "Check the URL.");
  }
  return [...found.filter((a) => !a.includes(":")), ...found.filter((a) => a.includes(":"))];
}
