import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import proxyaddr from "proxy-addr";
import { ConfigurationError } from "../errors";

/**
 * Which proxies in front of the server may tell it the client's address: `false` (the default) none, so the
 * socket's address is the client; a number of hops (`1` = the one proxy in front); addresses and CIDRs in
 * proxy-addr's forms (`"loopback"`, `"10.0.0.0/8"`, `["uniquelocal", "203.0.113.7"]`, or one comma-separated
 * string); `true` trusts every hop, so whoever reaches the server can claim any address: only for a server no
 * client can reach except through a proxy that overwrites the header.
 *
 * @example
 * ```ts
 * await server.listen({ port: 3000, host: "0.0.0.0", trustProxy: ["loopback", "10.0.0.0/8"] })
 * ```
 */
export type TrustProxy = boolean | number | string | string[];

/**
 * The header the trusted proxies write: `X-Forwarded-For` (the default) or RFC 7239 `Forwarded`.
 *
 * @example
 * ```ts
 * server.handler({ trustProxy: 1, forwardedHeader: "forwarded" })   // one proxy in front, writing `Forwarded: for=…`
 * ```
 */
export type ForwardedHeader = "x-forwarded-for" | "forwarded";

/** Finds the client address of a request; built once per listener from its options. */
export type ClientAddress = (req: IncomingMessage) => string;

type Trust = (address: string, hop: number) => boolean;

const socketAddress: ClientAddress = (req) => req.socket.remoteAddress ?? "unknown";

/**
 * Compiles `trustProxy` once. The chain is walked from the socket outwards (nearest hop first); the first hop that
 * is not trusted is the client. Only the configured header is read, so a client cannot slip an address in through
 * the other one. A hop whose address is not an IP (`unknown`, an obfuscated `_node`, garbage) ends the walk at
 * the last trusted hop, which then stands for the client.
 */
export function clientAddressFor(trustProxy: TrustProxy | undefined, header: ForwardedHeader = "x-forwarded-for"): ClientAddress {
  if (header !== "x-forwarded-for" && header !== "forwarded") throw new ConfigurationError('forwardedHeader must be "x-forwarded-for" or "forwarded"');
  if (trustProxy === undefined || trustProxy === false || trustProxy === 0) return socketAddress;
  const trust = compileTrust(trustProxy);
  const hopsOf = header === "forwarded" ? forwardedHops : (req: IncomingMessage) => proxyaddr.all(req).slice(1);
  return (req) => {
    const chain = [socketAddress(req), ...hopsOf(req)];
    let client = normalize(chain[0]);
    for (let hop = 0; hop < chain.length - 1 && trust(client, hop); hop++) {
      const next = normalize(chain[hop + 1]);
      if (!isIP(next)) break;
      client = next;
    }
    return client;
  };
}

function compileTrust(trustProxy: TrustProxy): Trust {
  if (trustProxy === true) return () => true;
  if (typeof trustProxy === "number") {
    if (!Number.isInteger(trustProxy) || trustProxy < 0) throw new ConfigurationError("trustProxy: a hop count must be a whole number ≥ 0");
    return (_address, hop) => hop < trustProxy;
  }
  const list = typeof trustProxy === "string" ? trustProxy.split(",").map((s) => s.trim()) : trustProxy;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== "string" || !s))
    throw new ConfigurationError("trustProxy must be true, a hop count, or addresses / CIDRs such as [\"loopback\", \"10.0.0.0/8\"]");
  try {
    return proxyaddr.compile(list);
  } catch (err) {
    throw new ConfigurationError(`trustProxy: ${(err as Error).message}`);
  }
}

/** `[2001:db8::1]:4711` → `2001:db8::1`, `192.0.2.1:80` → `192.0.2.1`, `::ffff:192.0.2.1` → `192.0.2.1`. */
function normalize(address: string): string {
  let a = address.trim();
  if (a.startsWith("[")) a = a.slice(1, a.indexOf("]") === -1 ? a.length : a.indexOf("]"));
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  return a.slice(0, 64);
}

/**
 * The `for=` addresses of RFC 7239 `Forwarded`, nearest hop first. Elements are split from the right: the
 * trusted proxies append theirs at the end, so nothing a client wrote before them (an unclosed quote above all)
 * can swallow or reshape them. An element without a readable `for=` counts as the address `unknown`.
 */
export function forwardedHops(req: IncomingMessage): string[] {
  const value = req.headers.forwarded;
  if (typeof value !== "string" || !value) return [];
  const hops: string[] = [];
  let end = value.length;
  let quoted = false;
  for (let i = value.length - 1; i >= -1; i--) {
    const ch = i >= 0 ? value[i] : ",";
    if (ch === '"') quoted = !quoted;
    else if (ch === "," && (!quoted || i < 0)) {
      hops.push(forOf(value.slice(i + 1, end)));
      end = i;
      quoted = false;
    }
  }
  return hops;
}

/** The `for` parameter of one element (`for=192.0.2.60;proto=http;by=203.0.113.43`), or `unknown`. */
function forOf(element: string): string {
  if ((element.match(/"/g)?.length ?? 0) % 2 === 1) return "unknown";
  for (const pair of element.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
    const raw = pair.slice(eq + 1).trim();
    if (!raw.startsWith('"')) return /^[\w.:!#$%&'*+^`|~-]+$/.test(raw) ? raw : "unknown";
    // A quoted-string (RFC 7230 §3.2.6) that closes at the end of the pair and holds no escapes.
    return raw.length >= 2 && raw.endsWith('"') && !/["\\]/.test(raw.slice(1, -1)) ? raw.slice(1, -1) : "unknown";
  }
  return "unknown";
}
