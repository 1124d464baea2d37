import type { IncomingMessage } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { InvalidRequestError, TransportError } from "../errors";
import { exceedsShape } from "../schema/input-validator";
import { BodyTooLarge, readBody } from "./http-request";
import { readMessage } from "./json-rpc-message";

const MAX_DEPTH = 64;
/** Wider than any protocol message needs; tool arguments have their own, smaller cap (MAX_INPUT_KEYS). */
const MAX_WIDTH = 10_000;

/**
 * A POST's JSON-RPC messages: the body a framework already parsed (`req.body`), or read here up to
 * `maxBodyBytes`; bounded in depth and width before anything looks inside, each message checked as JSON-RPC.
 */
export async function readMessages(req: IncomingMessage, maxBodyBytes: number): Promise<{ messages: JSONRPCMessage[]; batch: boolean }> {
  let body = (req as IncomingMessage & { body?: unknown }).body;
  let raw: string | undefined;
  if (body === undefined || typeof body !== "object") {
    try {
      raw = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      req.resume();
      throw new TransportError("payload_too_large", "Request body too large", { connection: "close" });
    }
    try {
      body = JSON.parse(raw);
    } catch {
      throw new TransportError("parse_error", "Parse error: invalid JSON");
    }
  }
  if (body === null || typeof body !== "object") throw new InvalidRequestError("Invalid Request: expected a JSON-RPC object or batch");
  const broken = raw !== undefined && withinShape(raw) ? undefined : exceedsShape(body, MAX_DEPTH, MAX_WIDTH);
  if (broken) throw new InvalidRequestError(broken === "depth" ? "Invalid Request: JSON nested too deeply" : `Invalid Request: an object has more than ${MAX_WIDTH} properties`);
  const batch = Array.isArray(body);
  const list = batch ? (body as unknown[]) : [body];
  if (list.length === 0) throw new InvalidRequestError("Invalid Request: empty batch");
  const messages: JSONRPCMessage[] = [];
  for (const item of list) {
    const message = readMessage(item);
    if (!message) throw new TransportError("invalid_message", "Parse error: Invalid JSON-RPC message");
    messages.push(message);
  }
  return { messages, batch };
}

/**
 * Whether JSON text can be seen to keep the bounds without walking what it parses to: nesting deeper than
 * MAX_DEPTH takes more opening brackets than that, and an object of more than MAX_WIDTH distinct keys at least
 * four characters a key. Brackets inside strings only make the count larger, so the answer errs towards walking.
 * Counting with indexOf costs a fraction of the walk for the small bodies most requests are.
 */
function withinShape(raw: string): boolean {
  if (raw.length > 4 * MAX_WIDTH) return false;
  let opening = 0;
  for (const bracket of BRACKETS) {
    for (let at = raw.indexOf(bracket); at !== -1; at = raw.indexOf(bracket, at + 1)) if (++opening > MAX_DEPTH) return false;
  }
  return true;
}

const BRACKETS = ["{", "["] as const;
