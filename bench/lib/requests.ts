import { CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, MODERN_PROTOCOL_VERSION, PROTOCOL_VERSION_META_KEY } from "../../src/contracts/protocol-2026";
import { FETCH_TIMEOUT_MS } from "./mcp-client";

/**
 * The requests the load generator repeats, each with the check every answer must pass. autocannon puts one
 * fresh id at every `[<id>]`, so each request has a unique JSON-RPC id (required within one session).
 */
export interface LoadRequest {
  /** What the table calls it, e.g. "tools/call echo". */
  name: string;
  body: string;
  /** A 2xx answer counts as good only if this holds for its body (autocannon counts the others as mismatches). */
  verify(body: string): boolean;
}

const ID_IN_ANSWER = /"id":"([^"]+)"/;

/**
 * `tools/call echo` asking for `echo-<its own id>` back. An answer is right when it is a tool result (JSON, or
 * SSE whose event data holds the JSON) with that text and no `isError`: that catches errors answered with 200,
 * tool errors, and answers routed to the wrong request.
 */
export const ECHO_REQUEST: LoadRequest = {
  name: "tools/call echo",
  body: JSON.stringify({ jsonrpc: "2.0", id: "[<id>]", method: "tools/call", params: { name: "echo", arguments: { text: "echo-[<id>]" } } }),
  verify(body) {
    const id = ID_IN_ANSWER.exec(body)?.[1];
    return id !== undefined && body.includes(`"text":"echo-${id}"`) && !body.includes('"isError":true');
  },
};

/** The JSON-RPC message in an answer: the body itself, or the SSE event that carries a result or an error. */
function rpcMessage(body: string): { id?: unknown; result?: { tools?: unknown[] } } | undefined {
  try {
    if (body.startsWith("{")) return JSON.parse(body);
    // SSE: fastmcp sends a priming event first, so look for the data line that holds the JSON-RPC answer.
    const data = body.split("\n").find((line) => line.startsWith("data: {"));
    return data === undefined ? undefined : JSON.parse(data.slice(6));
  } catch {
    return undefined;
  }
}

/** `tools/list`, right when the answer lists exactly `count` tools under a string id (the bench's ids are strings). */
export function listRequest(count: number): LoadRequest {
  return {
    name: `tools/list (${count} tools)`,
    body: JSON.stringify({ jsonrpc: "2.0", id: "[<id>]", method: "tools/list" }),
    verify(body) {
      const msg = rpcMessage(body);
      return typeof msg?.id === "string" && Array.isArray(msg.result?.tools) && msg.result.tools.length === count;
    },
  };
}

/**
 * One checked request before any load, so a contender that answers wrongly fails with its answer rather than a
 * count. Resolves to the answer's size in bytes (servers frame and describe the same result differently).
 */
export async function probe(url: string, headers: Record<string, string>, request: LoadRequest): Promise<number> {
  const res = await fetch(url, { method: "POST", headers, body: request.body.replace(/\[<id>\]/g, "probe"), signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const body = await res.text();
  if (res.status !== 200 || !request.verify(body)) throw new Error(`${request.name} probe failed: HTTP ${res.status} ${body.slice(0, 300)}`);
  return Buffer.byteLength(body);
}

/** The envelope a 2026-07-28 client puts in every request's `_meta`. */
const MODERN_ENVELOPE = {
  [PROTOCOL_VERSION_META_KEY]: MODERN_PROTOCOL_VERSION,
  [CLIENT_INFO_META_KEY]: { name: "mcpcraft-bench", version: "1.0.0" },
  [CLIENT_CAPABILITIES_META_KEY]: {},
};

/** A load request as a 2026-07-28 client sends it: the envelope in the body, the method and target in headers. */
export function modernForm(request: LoadRequest): { request: LoadRequest; headers: Record<string, string> } {
  const body = JSON.parse(request.body) as { method: string; params?: { name?: string; uri?: string; _meta?: object } };
  const params = { ...body.params, _meta: { ...body.params?._meta, ...MODERN_ENVELOPE } };
  const target = params.name ?? params.uri;
  return {
    // The revision's result form too: a server that answered the 2025 way would not be serving 2026-07-28.
    request: { ...request, body: JSON.stringify({ ...body, params }), verify: (answer) => request.verify(answer) && answer.includes('"resultType":"complete"') },
    headers: { "mcp-protocol-version": MODERN_PROTOCOL_VERSION, "mcp-method": body.method, ...(target !== undefined ? { "mcp-name": target } : {}) },
  };
}
