/**
 * The canonical form of a resource identifier for comparison (MCP 2025-11-25 "Canonical Server URI",
 * RFC 8707): scheme and host lower-cased (the URL parser does it), default port dropped, fragment dropped,
 * one trailing slash ignored. Values that are not absolute URLs are compared as they are.
 *
 * @example
 * ```ts
 * canonicalResource("HTTPS://API.example.com/mcp/#x") // → "https://api.example.com/mcp"
 * ```
 */
export function canonicalResource(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  url.hash = "";
  let text = url.href;
  if (text.endsWith("/") && !url.search) text = text.slice(0, -1);
  return text;
}

/**
 * Whether a token's `aud` claim (a string or an array of strings) names one of the accepted resources,
 * compared with {@link canonicalResource}. Anything else in `aud` (numbers, objects) matches nothing.
 *
 * @example
 * ```ts
 * audienceMatches(["https://other", "https://api.example.com/mcp/"], ["https://api.example.com/mcp"]) // → true
 * ```
 */
export function audienceMatches(aud: unknown, accepted: readonly string[] | AcceptedAudiences): boolean {
  const presented = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
  const wanted = accepted instanceof AcceptedAudiences ? accepted : new AcceptedAudiences(accepted);
  return presented.some((a) => typeof a === "string" && a !== "" && wanted.has(canonicalResource(a)));
}

/** The accepted audiences in canonical form, built once per strategy rather than on every token (bench/). */
export class AcceptedAudiences {
  private readonly canonical: ReadonlySet<string>;
  constructor(accepted: readonly string[]) {
    this.canonical = new Set(accepted.map(canonicalResource));
  }
  has(canonicalValue: string): boolean {
    return this.canonical.has(canonicalValue);
  }
}
