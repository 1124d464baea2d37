import { createHash, timingSafeEqual } from "node:crypto";
import type { ConnectionChange } from "../core/connection";

/**
 * A session's record in Redis, the hash `<prefix>:<sid>`: `p` the principal binding, `sa` the standalone
 * stream's id, `sh` the instance carrying that stream (see `StandaloneClaims`), `v` the protocol version, `caps`
 * and `info` the client's capabilities and info (JSON), `lvl` its log level. Subscriptions are the set
 * `<prefix>:<sid>:subs`.
 */

/** The Redis keys of sessions under one prefix. */
export class SessionKeys {
  constructor(private readonly prefix: string) {}

  hash(sid: string): string {
    return `${this.prefix}:${sid}`;
  }

  subs(sid: string): string {
    return `${this.prefix}:${sid}:subs`;
  }

  /** The index of a principal's sessions, named by a digest of the principal (never the subject in clear). */
  owner(principal: string): string {
    return `${this.prefix}:owner:${createHash("sha256").update(principal).digest("hex")}`;
  }
}

/** The principal binding: a digest salted with the session id, so Redis never holds the subject in clear. */
export const bindingOf = (sid: string, principal: string): string => createHash("sha256").update(`${sid}\u0000${principal}`).digest("hex");

export function sameDigest(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The hash fields a change of connection state writes. */
export function fieldsOf(change: ConnectionChange): Record<string, string> {
  const fields: Record<string, string> = {};
  if (change.protocolVersion !== undefined) fields.v = change.protocolVersion;
  if (change.clientCapabilities !== undefined) fields.caps = JSON.stringify(change.clientCapabilities);
  if (change.clientInfo !== undefined) fields.info = JSON.stringify(change.clientInfo);
  if (change.logLevel !== undefined) fields.lvl = change.logLevel;
  return fields;
}

/** The connection state a session's hash holds. */
export function stateOf(hash: Record<string, string>): ConnectionChange {
  return { protocolVersion: hash.v, clientCapabilities: parse(hash.caps), clientInfo: parse(hash.info), logLevel: hash.lvl as ConnectionChange["logLevel"] };
}

function parse(text: string | undefined) {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
