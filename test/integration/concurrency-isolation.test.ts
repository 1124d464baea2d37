// Concurrency isolation over real HTTP: answers never cross between concurrent requests (even when a client reuses
// one JSON-RPC id), and no request ever sees another principal's context — through ctx, through services that
// inject AUTH_CONTEXT / REQUEST_CONTEXT, or through a request-scoped (ContainerScoped) service. Raw `fetch` posts
// so the test, not a client library, chooses the ids.
import "reflect-metadata";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { IsString } from "class-validator";
import { container as globalContainer, inject, injectable, Lifecycle, scoped } from "tsyringe";
import {
  API_KEY_OPTIONS,
  ApiKeyStrategy,
  AUTH_CONTEXT,
  createServer,
  Ctx,
  REQUEST_CONTEXT,
  Server,
  silentLogger,
  Tool,
  type AuthContext,
  type CraftServer,
  type ToolContext,
} from "../../src";
import { createTestClient } from "../../src/testing";
import { INIT, parseRpcBody } from "../fixtures/processes";

/** 24 principals, each with its own random 32-character key. */
const PRINCIPALS = Array.from({ length: 24 }, (_, i) => ({ id: `p${i}`, key: randomBytes(16).toString("hex"), subject: `p${i}` }));
const keyOf = (i: number) => ({ "x-api-key": PRINCIPALS[i % PRINCIPALS.length].key });
const subjectOf = (i: number) => PRINCIPALS[i % PRINCIPALS.length].subject;
const uniqueValue = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;

/** Yields to the event loop 0–15 times, so concurrent calls finish in a different, interleaved order each run. */
async function yieldRandomly(): Promise<void> {
  for (let n = Math.floor(Math.random() * 16); n > 0; n--) await new Promise((r) => setImmediate(r));
}

class ValueInput {
  @IsString()
  value!: string;
}

/** One instance per request container: if two requests shared a container, one would overwrite the other's value. */
@scoped(Lifecycle.ContainerScoped)
class RequestScratch {
  value?: string;
}

/** Request-scoped by injection: holds the caller and the request context it was built for. */
@injectable()
class CallerView {
  constructor(
    @inject(AUTH_CONTEXT) readonly auth: AuthContext | undefined,
    @inject(REQUEST_CONTEXT) readonly ctx: ToolContext,
    readonly scratch: RequestScratch,
  ) {}
}

@Server({ name: "isolation", version: "1.0.0", auth: ApiKeyStrategy })
class IsolationServer {
  constructor(private readonly caller: CallerView, private readonly scratch: RequestScratch) {}

  @Tool({ description: "Echo the value back after yielding to the event loop" })
  async echo(input: ValueInput) {
    await yieldRandomly();
    return { value: input.value };
  }

  @Tool({ description: "Who is calling, seen through ctx and through injected services, read back after yielding" })
  async whoami(input: ValueInput, @Ctx() ctx: ToolContext) {
    this.scratch.value = input.value;
    await yieldRandomly();
    const seen = this.caller.ctx;
    return {
      value: input.value,
      scratch: this.caller.scratch.value,
      ctxSubject: ctx.auth?.subject,
      serviceSubject: this.caller.auth?.subject,
      requestSubject: seen.auth?.subject,
      sameContext: seen === ctx,
      requestId: seen.requestId,
      sessionId: seen.sessionId ?? null,
    };
  }
}

/** A bound on each answer, so a request whose answer went to another POST fails as "no answer" instead of hanging. */
const ANSWER_BOUND_MS = 10_000;
const PROTOCOL = { "mcp-protocol-version": "2025-11-25" };

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(ANSWER_BOUND_MS),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const callBody = (id: number, name: string, value: string) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: { value } } });

interface Want {
  value: string;
  id?: number;
  /** Set for whoami: the principal and session the call was sent as. */
  subject?: string;
  sessionId?: string | null;
}

/** What is wrong with a whoami result, or undefined when it saw only its own principal, request and session. */
function identityProblem(got: any, want: Want): string | undefined {
  const seen = [got.ctxSubject, got.serviceSubject, got.requestSubject];
  if (seen.some((s) => s !== want.subject)) return `other principal: ${want.subject} saw ${seen.join(" / ")} (ctx / AUTH_CONTEXT / REQUEST_CONTEXT)`;
  if (got.scratch !== got.value) return `shared request scope: the ContainerScoped service held ${got.scratch}, the call was ${got.value}`;
  if (got.sameContext !== true) return "other context: the injected REQUEST_CONTEXT is not this call's ToolContext";
  if (want.id !== undefined && got.requestId !== want.id) return `other request: REQUEST_CONTEXT.requestId ${got.requestId} instead of ${want.id}`;
  if (got.sessionId !== want.sessionId) return `other session: ${got.sessionId} instead of ${want.sessionId}`;
  return undefined;
}

/** What is wrong with one HTTP answer (JSON or SSE), or undefined when it is exactly the answer to its own request. */
function httpProblem(res: { status: number; text: string }, want: Want): string | undefined {
  if (res.status !== 200) return `HTTP ${res.status}: ${res.text.slice(0, 200)}`;
  const sseMessages = (res.text.match(/^data: /gm) ?? []).length;
  if (sseMessages > 1) return `several messages: one POST's stream carried ${sseMessages}`;
  const msg = parseRpcBody(res.text);
  if (msg?.id !== want.id) return `wrong id: ${msg?.id} instead of ${want.id}`;
  const got = msg.result?.structuredContent;
  if (!got) return `no tool result: ${JSON.stringify(msg).slice(0, 200)}`;
  if (got.value !== want.value) return `crossed answer: ${got.value} delivered to the request for ${want.value}`;
  return want.subject === undefined ? undefined : identityProblem(got, want);
}

/** Sends every call at once; one entry per call: a problem string, or undefined for a correct answer. */
function sendAll(url: string, calls: { body: unknown; headers: Record<string, string>; want: Want }[]): Promise<(string | undefined)[]> {
  return Promise.all(
    calls.map((c) =>
      post(url, c.body, c.headers).then(
        (res) => httpProblem(res, c.want),
        (err: Error) => `no answer: ${c.want.value} (${err.name}: ${err.message})`,
      ),
    ),
  );
}

/** Every call was checked (so this cannot pass vacuously) and none got anything but its own answer. */
function assertAllOwn(outcomes: (string | undefined)[], sent: number): void {
  assert.equal(outcomes.length, sent, "every call sent was checked");
  const bad = outcomes.filter((o): o is string => o !== undefined);
  const kinds = new Map<string, string[]>();
  for (const b of bad) kinds.set(b.split(":")[0], [...(kinds.get(b.split(":")[0]) ?? []), b]);
  const summary = [...kinds].map(([kind, all]) => `${all.length} × ${kind}`).join(", ");
  const examples = [...kinds.values()].flatMap((all) => all.slice(0, 2)).join("\n  ");
  assert.equal(bad.length, 0, `${bad.length} of ${sent} calls did not get exactly their own answer (${summary}), e.g.:\n  ${examples}`);
}

/** initialize → mcp-session-id, then notifications/initialized. */
async function openSession(url: string, headers: Record<string, string>): Promise<string> {
  const init = await post(url, INIT, headers);
  assert.equal(init.status, 200, init.text);
  const sid = init.headers.get("mcp-session-id");
  assert.ok(sid, "initialize answered with an mcp-session-id");
  const ack = await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, { ...headers, ...PROTOCOL, "mcp-session-id": sid });
  assert.equal(ack.status, 202, ack.text);
  return sid;
}

describe("concurrency isolation: concurrent requests never cross answers or principals", () => {
  let server: CraftServer;
  let statefulUrl: string;
  let statelessUrl: string;

  before(async () => {
    const c = globalContainer.createChildContainer();
    c.register(API_KEY_OPTIONS, { useValue: { keys: PRINCIPALS } });
    server = createServer(IsolationServer, { container: c, logger: silentLogger });
    ({ url: statefulUrl } = await server.listen({ port: 0, host: "127.0.0.1" }));
    ({ url: statelessUrl } = await server.listen({ port: 0, host: "127.0.0.1", stateless: true }));
  });
  after(() => server.close());

  it("200 concurrent stateless calls all sent with JSON-RPC id 1 each get exactly their own value back", async () => {
    const calls = Array.from({ length: 200 }, (_, i) => {
      const value = uniqueValue(`echo${i}`);
      return { body: callBody(1, "echo", value), headers: { ...keyOf(i), ...PROTOCOL }, want: { id: 1, value } };
    });
    assertAllOwn(await sendAll(statelessUrl, calls), 200);
  });

  it("20 sessions × 10 concurrent calls all sharing JSON-RPC id 7: every POST gets the answer to the request it carried", async () => {
    const sessions = await Promise.all(Array.from({ length: 20 }, (_, s) => openSession(statefulUrl, keyOf(s))));
    assert.equal(new Set(sessions).size, 20, "20 distinct sessions");
    const calls = sessions.flatMap((sid, s) =>
      Array.from({ length: 10 }, (_, n) => {
        const value = uniqueValue(`s${s}-call${n}`);
        return { body: callBody(7, "echo", value), headers: { ...keyOf(s), ...PROTOCOL, "mcp-session-id": sid }, want: { id: 7, value } };
      }),
    );
    assertAllOwn(await sendAll(statefulUrl, calls), 200);
  });

  it("240 concurrent calls from 24 principals over their own sessions each see only their own principal, request and session", async () => {
    const sessions = await Promise.all(PRINCIPALS.map((_, p) => openSession(statefulUrl, keyOf(p))));
    // Ids are unique within each session (as JSON-RPC asks) and repeat across sessions.
    const calls = sessions.flatMap((sid, p) =>
      Array.from({ length: 10 }, (_, n) => {
        const value = uniqueValue(`p${p}-call${n}`);
        return {
          body: callBody(100 + n, "whoami", value),
          headers: { ...keyOf(p), ...PROTOCOL, "mcp-session-id": sid },
          want: { id: 100 + n, value, subject: subjectOf(p), sessionId: sid },
        };
      }),
    );
    assertAllOwn(await sendAll(statefulUrl, calls), 240);
  });

  it("240 concurrent stateless calls from 24 interleaved principals each see only their own principal and request", async () => {
    const calls = Array.from({ length: 240 }, (_, i) => {
      const value = uniqueValue(`stateless${i}`);
      return { body: callBody(i % 3, "whoami", value), headers: { ...keyOf(i), ...PROTOCOL }, want: { id: i % 3, value, subject: subjectOf(i), sessionId: null } };
    });
    assertAllOwn(await sendAll(statelessUrl, calls), 240);
  });

  it("in memory (createTestClient): 24 principals × 10 parallel calls each see only their own principal", async () => {
    const clients = await Promise.all(PRINCIPALS.map((_, p) => createTestClient(server, { headers: keyOf(p) })));
    try {
      const outcomes = await Promise.all(
        clients.flatMap((t, p) =>
          Array.from({ length: 10 }, async (_, n) => {
            const value = uniqueValue(`mem-p${p}-call${n}`);
            const got: any = (await t.callTool("whoami", { value })).structuredContent;
            if (got?.value !== value) return `crossed answer: ${got?.value} delivered to the call for ${value}`;
            return identityProblem(got, { value, subject: subjectOf(p), sessionId: null });
          }),
        ),
      );
      assertAllOwn(outcomes, 240);
    } finally {
      await Promise.all(clients.map((t) => t.close()));
    }
  });
});
