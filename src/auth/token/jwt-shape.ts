import { AuthenticationError } from "../../errors";
import { MAX_TOKEN_LENGTH } from "./bearer-token";

/** The JOSE header fields mcpcraft-sdk looks at. Everything else in the header is ignored, never used. */
export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [other: string]: unknown;
}

export interface JwsShapeOptions {
  /** Algorithms this verifier accepts; `none` is refused even if listed. */
  algorithms: readonly string[];
  /** `crit` extensions the caller implements. Default none, so any `crit` header is refused (RFC 7515 §4.1.11). */
  knownCrit?: readonly string[];
}

/** A `kid` is an opaque lookup key, never a path or a query (RFC 8725 §3.10); long ones are refused outright. */
export const MAX_KID_LENGTH = 256;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

const own = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/**
 * The bytes of a base64url segment, refusing standard base64 (`+/=`), impossible lengths and non-canonical
 * spellings (stray bits in the last character): a token has exactly one spelling, so a mutated token string
 * can never verify as the original.
 */
function segmentBytes(segment: string): Buffer {
  if (segment === "" || !BASE64URL.test(segment) || segment.length % 4 === 1) throw new AuthenticationError("malformed_token");
  const bytes = Buffer.from(segment, "base64url");
  if (bytes.toString("base64url") !== segment) throw new AuthenticationError("malformed_token");
  return bytes;
}

function decodeSegment(segment: string): Record<string, unknown> {
  const bytes = segmentBytes(segment);
  let value: unknown;
  try {
    // RFC 8725 §3.7: invalid UTF-8 is an error, not something to repair.
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw new AuthenticationError("malformed_token");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new AuthenticationError("malformed_token");
  return value as Record<string, unknown>;
}

/**
 * Checks the shape of a compact JWS before any library sees it, and returns its decoded header.
 *
 * jsonwebtoken accepts string/array payloads, ignores `crit`, and can throw a raw `SyntaxError` on a
 * non-JSON payload before it checks the signature; this check makes those cases a plain 401 with a fixed
 * reason. The signature is NOT checked here: nothing in the result may be trusted except for choosing a key.
 *
 * @throws AuthenticationError `token_too_large`, `malformed_token` (segments, encoding, JSON, `crit`, `kid`)
 *   or `unsupported_algorithm` (`alg` missing, `none`, or not in `algorithms`). Messages never contain token text.
 *
 * @example
 * ```ts
 * const header = inspectJws(token, { algorithms: ["RS256"] })
 * const key = keyRing.get(header.kid)
 * ```
 */
export function inspectJws(token: string, options: JwsShapeOptions): JwsHeader {
  if (typeof token !== "string") throw new AuthenticationError("malformed_token");
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthenticationError("token_too_large");
  const segments = token.split(".");
  if (segments.length !== 3) throw new AuthenticationError("malformed_token");
  const [headerSegment, payloadSegment, signatureSegment] = segments;

  const header = decodeSegment(headerSegment);
  const alg = own(header, "alg") ? header.alg : undefined;
  if (typeof alg !== "string" || alg === "" || alg.toLowerCase() === "none" || !options.algorithms.includes(alg))
    throw new AuthenticationError("unsupported_algorithm");
  if (own(header, "crit")) {
    const crit = header.crit;
    const known = options.knownCrit ?? [];
    if (
      !Array.isArray(crit) ||
      crit.length === 0 ||
      new Set(crit).size !== crit.length ||
      !crit.every((name) => typeof name === "string" && known.includes(name) && own(header, name))
    )
      throw new AuthenticationError("malformed_token");
  }
  if (own(header, "kid")) {
    const kid = header.kid;
    if (typeof kid !== "string" || kid === "" || kid.length > MAX_KID_LENGTH)
      throw new AuthenticationError("malformed_token");
  }

  // Decoded only to prove it is a JSON object; the verified copy comes from the verifier.
  decodeSegment(payloadSegment);
  segmentBytes(signatureSegment);
  return header as JwsHeader;
}

/**
 * Whether a bearer token is meant as a JWT (three segments, the first a JSON object) rather than an opaque
 * token for introspection. Only routes the token; {@link inspectJws} and the verifier still decide.
 *
 * @example
 * ```ts
 * looksLikeJws("eyJhbGciOiJSUzI1NiJ9.e30.c2ln") // → true
 * looksLikeJws("2YotnFZFEjr1zCsicMWpAA")        // → false (opaque, introspect it)
 * ```
 */
export function looksLikeJws(token: string): boolean {
  if (token.length > MAX_TOKEN_LENGTH || token.split(".").length !== 3) return false;
  try {
    decodeSegment(token.slice(0, token.indexOf(".")));
    return true;
  } catch {
    return false;
  }
}
