import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { JsonRpcCode } from "../../contracts/json-rpc-code";
import { ProtocolError } from "../../errors";

/** A server→client request as a 2026-era result embeds it: method and params, no JSON-RPC id. */
export interface InputRequest {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * Thrown through a 2026-era handler at a request to the client it has no answer for: the revision has no
 * server→client requests, so the call is answered `input_required` and the client re-sends it with the answers.
 */
export class InputRequired extends Error {
  constructor() {
    super("input required");
  }
}

const MAX_STATE_CHARS = 256 * 1024;
/**
 * The key that seals `requestState`. Instances serving one deployment must share it (MCPCRAFT_REQUEST_STATE_KEY);
 * without one, each process makes its own, and a round that reaches another process is refused.
 */
const SEAL_KEY = process.env.MCPCRAFT_REQUEST_STATE_KEY ? Buffer.from(process.env.MCPCRAFT_REQUEST_STATE_KEY) : randomBytes(32);

const seal = (data: string) => createHmac("sha256", SEAL_KEY).update(data).digest("base64url");

/**
 * The client's answers to one 2026-era call's requests, across its rounds. The handler runs again from the start
 * in every round; each request to the client has a key (the tool's `inputKey`, else `r<n>` in the order asked),
 * answered from the client's `inputResponses` or from earlier rounds' answers carried in `requestState`, which is
 * sealed (HMAC) so that a client cannot rewrite what it answered before. Every request asked in one run is
 * asked together.
 */
export class InputRounds {
  private next = 0;
  readonly asked: Record<string, InputRequest> = {};

  private constructor(private readonly answers: Record<string, unknown>) {}

  static of(params: unknown): InputRounds {
    const p = (params ?? {}) as { inputResponses?: unknown; requestState?: unknown };
    const answers: Record<string, unknown> = Object.create(null);
    if (p.requestState !== undefined) Object.assign(answers, unseal(p.requestState));
    if (p.inputResponses !== undefined) {
      if (p.inputResponses === null || typeof p.inputResponses !== "object" || Array.isArray(p.inputResponses))
        throw new ProtocolError(JsonRpcCode.InvalidParams, "Invalid params: inputResponses must be an object");
      for (const [key, value] of Object.entries(p.inputResponses)) answers[key] = value;
    }
    return new InputRounds(answers);
  }

  /**
   * The client's answer to this request, checked by `accept`; or, when there is none or it does not pass, the
   * `input_required` that asks for it.
   */
  answer<T>(request: InputRequest, accept: (answer: unknown) => T, key = `r${this.next++}`): T {
    if (key in this.answers) {
      try {
        return accept(this.answers[key]);
      } catch {
        // Not an answer to this request: asked again, not taken.
        delete this.answers[key];
      }
    }
    this.asked[key] = request;
    throw new InputRequired();
  }

  /** What the next round must carry back: every answer given so far, sealed. */
  state(): string {
    const data = Buffer.from(JSON.stringify(this.answers)).toString("base64url");
    return `${data}.${seal(data)}`;
  }
}

function unseal(state: unknown): Record<string, unknown> {
  if (typeof state === "string" && state.length <= MAX_STATE_CHARS) {
    const dot = state.lastIndexOf(".");
    const data = state.slice(0, dot);
    const mac = Buffer.from(state.slice(dot + 1));
    const expected = Buffer.from(seal(data));
    if (dot > 0 && mac.length === expected.length && timingSafeEqual(mac, expected)) {
      const value: unknown = JSON.parse(Buffer.from(data, "base64url").toString("utf8"));
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    }
  }
  throw new ProtocolError(JsonRpcCode.InvalidParams, "Invalid params: requestState integrity check failed");
}
