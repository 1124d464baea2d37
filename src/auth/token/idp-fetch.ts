import { ConfigurationError, IdentityProviderUnavailableError } from "../../errors";

/** Identity-provider answers are small JSON documents; anything bigger is treated as garbage. */
const MAX_RESPONSE_BYTES = 256 * 1024;

export interface IdpResponse {
  status: number;
  /** The parsed body, or `undefined` when the status is not 200 (nor a 4xx asked for with `errorBodies`). */
  body?: unknown;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Parses an identity-provider URL option: HTTPS, or plain HTTP to a loopback host only (local test
 * providers), so a token or client secret is never sent in clear text over a network.
 *
 * @example
 * ```ts
 * idpUrl("https://auth.example.com/oauth/introspect", "introspection.endpoint")
 * ```
 */
export function idpUrl(value: unknown, option: string): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigurationError(`OAuthStrategy: ${option} is not a valid URL (got ${JSON.stringify(String(value))}); give an absolute https URL such as https://idp.example.com/.well-known/jwks.json`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname)))
    throw new ConfigurationError(`OAuthStrategy: ${option} must use https (plain http is allowed for loopback hosts only)`);
  return url;
}

async function readBounded(res: Response): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > MAX_RESPONSE_BYTES) throw new Error("response too large");
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error("response too large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * One request to the identity provider, failing closed: a network error, a timeout (covering the body too),
 * an oversized or non-JSON 200 answer all become {@link IdentityProviderUnavailableError} (503), which callers
 * never cache and never treat as a verdict on the token. Non-200 answers are returned with their status only.
 *
 * @example
 * ```ts
 * const { status, body } = await fetchIdpJson(url, { method: "GET" }, 3000)
 * ```
 */
export async function fetchIdpJson(url: URL, init: RequestInit, timeoutMs: number, options: { errorBodies?: boolean } = {}): Promise<IdpResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { ...init, signal, redirect: "manual" });
    // A token endpoint says why it refused in a 4xx JSON body (RFC 6749 §5.2); unreadable, it is just the status.
    if (options.errorBodies && res.status >= 400 && res.status < 500) return { status: res.status, body: await readBounded(res).then(JSON.parse).catch(() => undefined) };
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      return { status: res.status };
    }
    return { status: 200, body: JSON.parse(await readBounded(res)) as unknown };
  } catch {
    throw new IdentityProviderUnavailableError();
  }
}
