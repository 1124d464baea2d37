import { JsonRpcCode } from "../../contracts/json-rpc-code";
import { ProtocolError } from "../../errors";

/** A server→client request as a 2026-era result embeds it: method and params, no JSON-RPC id. */
export interface InputRequest {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * Thrown through a 2026-era handler at the first request to the client it has no answer for: the revision has no
 * server→client requests, so the call is answered `input_required` and the client re-sends it with the answer.
 */
export class InputRequired extends Error {
  constructor(readonly requests: Record<string, InputRequest>) {
    super("input required");
  }
}

const MAX_STATE_CHARS = 256 * 1024;

/**
 * The client's answers to one 2026-era call's requests, across its rounds. The handler runs again from the start
 * in every round; its n-th request to the client is `r<n>`, answered from what the client sent back
 * (`inputResponses`) or carried in `requestState` from earlier rounds. The state holds nothing the client did not
 * itself send, so it needs no seal: a client that edits it only changes its own answers.
 */
export class InputRounds {
  private next = 0;

  private constructor(private readonly answers: Record<string, unknown>) {}

  static of(params: unknown): InputRounds {
    const p = (params ?? {}) as { inputResponses?: unknown; requestState?: unknown };
    const answers: Record<string, unknown> = Object.create(null);
    if (p.requestState !== undefined) Object.assign(answers, decode(p.requestState));
    if (p.inputResponses !== undefined) {
      if (p.inputResponses === null || typeof p.inputResponses !== "object" || Array.isArray(p.inputResponses))
        throw new ProtocolError(JsonRpcCode.InvalidParams, "Invalid params: inputResponses must be an object");
      Object.assign(answers, p.inputResponses);
    }
    return new InputRounds(answers);
  }

  /** The client's answer to this request, or the `input_required` that asks for it. */
  answer(request: InputRequest): unknown {
    const key = `r${this.next++}`;
    if (key in this.answers) return this.answers[key];
    throw new InputRequired({ [key]: request });
  }

  /** What the next round must carry back: every answer given so far. */
  state(): string | undefined {
    return Object.keys(this.answers).length ? Buffer.from(JSON.stringify(this.answers)).toString("base64url") : undefined;
  }
}

function decode(state: unknown): Record<string, unknown> {
  if (typeof state === "string" && state.length <= MAX_STATE_CHARS) {
    try {
      const value: unknown = JSON.parse(Buffer.from(state, "base64url").toString("utf8"));
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Not ours: refused below.
    }
  }
  throw new ProtocolError(JsonRpcCode.InvalidParams, "Invalid params: requestState is not one this server issued");
}
