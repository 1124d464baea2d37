import { randomBytes } from "node:crypto";
import { ConfigurationError } from "../../errors";
import { buildSigningKey, type SigningKey } from "../token/jwt-key-ring";
import type { OutgoingCredentialsOptions } from "./outgoing-credentials.options";

/** jose is loaded at the first signature: a server that never signs does not pay its load time at start-up. */
const jose = (): typeof import("jose") => require("jose");

/** How this server proves who it is to the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2). */
export type ClientAuthentication =
  | { method: "client_secret_basic"; clientId: string; clientSecret: string }
  | { method: "private_key_jwt"; clientId: string; signingKey: SigningKey };

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** Client assertions are single-use proofs; a minute covers clock skew and nothing more. */
const ASSERTION_LIFETIME_S = 60;

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for HTTP Basic. */
const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+");

/** The `Authorization` header value of `client_secret_basic`. */
export const basicAuthorization = (clientId: string, clientSecret: string): string =>
  `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString("base64")}`;

/** Reads the client authentication options once, at `createServer`; exactly one of `clientSecret` and `privateKey`. */
export function clientAuthenticationFrom(options: OutgoingCredentialsOptions): ClientAuthentication {
  const where = "credentials";
  if (typeof options.clientId !== "string" || options.clientId === "") throw new ConfigurationError(`${where}: clientId is required (this server's client id at the authorization server)`);
  const hasSecret = options.clientSecret !== undefined;
  if (hasSecret === (options.privateKey !== undefined))
    throw new ConfigurationError(`${where}: give exactly one of clientSecret (client_secret_basic) or privateKey (private_key_jwt)`);
  if (hasSecret) {
    if (typeof options.clientSecret !== "string" || options.clientSecret === "") throw new ConfigurationError(`${where}: clientSecret is empty`);
    return { method: "client_secret_basic", clientId: options.clientId, clientSecret: options.clientSecret };
  }
  const signingKey = buildSigningKey({ privateKey: options.privateKey, algorithm: options.privateKeyAlgorithm, kid: options.privateKeyId }, `${where} (privateKey)`);
  if (signingKey.alg.startsWith("HS")) throw new ConfigurationError(`${where}: private_key_jwt needs an asymmetric key`);
  return { method: "private_key_jwt", clientId: options.clientId, signingKey };
}

/**
 * Adds this server's client authentication to a token request: an HTTP Basic header, or a fresh RFC 7523
 * client assertion (`iss` = `sub` = client id, `aud` = the token endpoint, one-minute lifetime, random `jti`).
 *
 * @example
 * ```ts
 * await authenticateClient(auth, tokenEndpoint, form, headers)
 * ```
 */
export async function authenticateClient(auth: ClientAuthentication, tokenEndpoint: URL, form: URLSearchParams, headers: Record<string, string>): Promise<void> {
  if (auth.method === "client_secret_basic") {
    headers.authorization = basicAuthorization(auth.clientId, auth.clientSecret);
    return;
  }
  const { alg, key, kid } = auth.signingKey;
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new (jose().SignJWT)({})
    .setProtectedHeader({ alg, typ: "JWT", ...(kid ? { kid } : {}) })
    .setIssuer(auth.clientId)
    .setSubject(auth.clientId)
    .setAudience(tokenEndpoint.href)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_S)
    .setJti(randomBytes(16).toString("base64url"))
    .sign(key);
  form.set("client_id", auth.clientId);
  form.set("client_assertion_type", JWT_BEARER);
  form.set("client_assertion", assertion);
}
