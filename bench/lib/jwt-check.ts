import type { KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { AUDIENCE, ISSUER } from "./config";

/**
 * The hand-written check the non-mcpcraft contenders run on every request: HS256 only, issuer and audience
 * checked by jsonwebtoken, a non-empty `sub` required. Returns the subject, or undefined for "answer 401".
 */
export function verifyBearer(header: string | string[] | undefined, key: KeyObject): string | undefined {
  if (typeof header !== "string" || !/^bearer /i.test(header)) return undefined;
  try {
    const claims = jwt.verify(header.slice(7).trim(), key, { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE });
    if (typeof claims !== "object" || typeof claims.sub !== "string" || claims.sub === "") return undefined;
    return claims.sub;
  } catch {
    return undefined;
  }
}
