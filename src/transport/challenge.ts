import type { IncomingMessage } from "node:http";
import type { ProtectedResourceMetadata } from "../auth/auth-strategy";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

export interface ChallengeFields {
  resourceMetadata?: string;
  scope?: string;
}

/** What 401/403 challenges point to: built once from the strategy's RFC 9728 metadata, not per request. */
export interface Challenge {
  forRequest(req: IncomingMessage): ChallengeFields;
}

/** RFC 9728 §3.1: the metadata URL is the resource's origin + the well-known prefix + the resource's path. */
export function challengeFor(meta: ProtectedResourceMetadata | undefined, path: string): Challenge {
  if (!meta) return { forRequest: () => ({}) };
  const scope = meta.scopes_supported?.join(" ") || undefined;
  let fixed: ChallengeFields | undefined;
  try {
    const u = new URL(meta.resource);
    fixed = { resourceMetadata: `${u.origin}${WELL_KNOWN}${u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "")}`, scope };
  } catch {
    fixed = undefined;
  }
  if (fixed) return { forRequest: () => fixed! };
  // A resource that is not a URL: point at this host, as the client reached it.
  return { forRequest: (req) => ({ resourceMetadata: `http://${req.headers.host}${WELL_KNOWN}${path}`, scope }) };
}
