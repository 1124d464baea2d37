import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Relay } from "../core/connection";
import { httpStatusForRpcError } from "../errors";
import { inboundTo, type Answer, type Inbound, type RequestPipeline } from "../core/request-pipeline";
import type { HttpSession } from "./http-session";
import { ResumableStream } from "./resumable-stream";
import { DeferredSse } from "./deferred-sse";
import { SseStream } from "./sse-stream";
import { answerText } from "../core/modern/modern-results";

/** A JSON answer cannot carry anything but the answers themselves. */
const JSON_ONLY: Relay = { open: false, send: async () => undefined };

/** The first revision whose clients understand SEP-1699's priming event and stream closing. */
const RESUMABLE_FROM = "2025-11-25";

export interface PostSettings {
  json: boolean;
  headers: Record<string, string>;
  eventStore?: EventStore;
  retryInterval?: number;
  keepAliveMs?: number;
  /** The session the POST belongs to, so a stream it opens can be resumed; absent when stateless. */
  session?: HttpSession;
  /** A batch is answered with an array even when it holds one request. */
  batch: boolean;
  /** A 2026-07-28 request: a lone error answered as JSON takes the revision's HTTP status. */
  modern?: boolean;
}

const isRequest = (m: JSONRPCMessage) => "method" in m && "id" in m;

/**
 * Answers one POST: 202 when it carried no request; otherwise every request's answer, as one JSON body or as an
 * SSE stream that also carries the requests' progress, logs and server→client requests.
 */
export async function answerPost(res: ServerResponse, messages: JSONRPCMessage[], inbound: Omit<Inbound, "relay">, pipeline: RequestPipeline, s: PostSettings): Promise<void> {
  if (!messages.some(isRequest)) {
    for (const m of messages) await pipeline.handle(m, inboundTo(inbound, JSON_ONLY));
    res.writeHead(202, s.headers);
    res.end();
    return;
  }
  if (s.json) return answerJson(res, messages, inbound, pipeline, s);
  return answerStream(res, messages, inbound, pipeline, s);
}

async function answerJson(res: ServerResponse, messages: JSONRPCMessage[], inbound: Omit<Inbound, "relay">, pipeline: RequestPipeline, s: PostSettings): Promise<void> {
  const scope = inboundTo(inbound, JSON_ONLY);
  let body: Answer | Answer[] | undefined;
  if (messages.length === 1) body = await pipeline.handle(messages[0], scope);
  else {
    const answers = await Promise.all(messages.map((m) => pipeline.handle(m, scope)));
    const given = answers.filter((a): a is Answer => a !== undefined);
    body = given.length === 1 && !s.batch ? given[0] : given;
  }
  if (res.destroyed) return;
  // A lone error answer keeps its HTTP meaning (an identity provider outage inside a call is a 503).
  writeAnswers(res, body, s.headers, true, s.modern);
}

/**
 * Answers as one JSON body: 202 when there are none (every request was cancelled: the spec says not to answer
 * them). `errorStatus` lets a lone error answer carry its HTTP status; without it the status is the 200 an SSE
 * answer would have had.
 */
function writeAnswers(res: ServerResponse, body: Answer | Answer[] | undefined, headers: Record<string, string>, errorStatus: boolean, modern = false): void {
  if (body === undefined || (Array.isArray(body) && body.length === 0)) {
    res.writeHead(202, headers);
    res.end();
    return;
  }
  const text = Array.isArray(body) ? JSON.stringify(body) : answerText(body);
  const lone = errorStatus && !Array.isArray(body) && "error" in body ? httpStatusForRpcError(body.error, modern) : { status: 200, headers: {} };
  res.writeHead(lone.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...lone.headers, ...headers });
  res.end(text);
}

async function answerStream(res: ServerResponse, messages: JSONRPCMessage[], inbound: Omit<Inbound, "relay">, pipeline: RequestPipeline, s: PostSettings): Promise<void> {
  const resumable = !!s.eventStore && !!s.session && inbound.connection.protocolVersion >= RESUMABLE_FROM;
  const sse = resumable ? new SseStream(res, s.headers, s.keepAliveMs) : undefined;
  // Not resumable: JSON if the answers are ready within this turn, SSE otherwise (see DeferredSse).
  const sink = sse ?? new DeferredSse(res, s.headers, s.keepAliveMs, (r, answers) => writeAnswers(r, answers.length === 1 && !s.batch ? (answers[0] as Answer) : (answers as Answer[]), s.headers, !!s.modern, s.modern));
  // An id only a resumable stream needs: it names the stream in the event store.
  const stream = new ResumableStream(resumable ? randomUUID() : "", sink, resumable ? s.eventStore : undefined, resumable, resumable ? s.session!.sharing?.mirror : undefined);
  if (sse) {
    sse.prime(await s.eventStore!.storeEvent(stream.id, {} as JSONRPCMessage), s.retryInterval);
    s.session!.track(stream);
  }
  const scope = inboundTo(inbound, stream);
  const answer = async (m: JSONRPCMessage) => {
    const reply = await pipeline.handle(m, scope);
    if (reply) await stream.send(reply);
  };
  try {
    if (messages.length === 1) await answer(messages[0]);
    else await Promise.all(messages.map(answer));
  } finally {
    stream.finish();
    s.session?.untrack(stream);
  }
}
