import assert from "node:assert/strict";
import type { SdkClient as Client } from "../../src/testing";
import { silentLogger, type AuditEvent, type CraftServer } from "../../src";
import { createTestClient, type TestClient } from "../../src/testing";
import { attempt, listedIds, loggedEvents, MATRIX_SERVER, stdioChild, type Attempt, type Outcome, type StdioChild } from "../fixtures/matrix";
import { httpClient } from "../fixtures/processes";
import { buildMatrixServer, MATRIX_KEYS, type PrincipalName } from "../fixtures/servers/matrix.server";

// ---------------------------------------------------------------------------------------------------------------
// The declared policy of test/fixtures/servers/matrix.server.ts, as a table. Everything below is derived from it.
//   LC = listed and callable    L = listed, but its policy refuses the call    - = hidden and refused
// ---------------------------------------------------------------------------------------------------------------
const PRINCIPALS = ["anonymous", "viewer", "editor", "admin", "service"] as const satisfies readonly PrincipalName[];
type Mark = "LC" | "L" | "-";
type Subject = string | undefined;

const subjectOf = (p: PrincipalName): Subject => MATRIX_KEYS.find((k) => k.id === p)?.subject;
const keyOf = (p: PrincipalName): string | undefined => MATRIX_KEYS.find((k) => k.id === p)?.key;

interface Row {
  /** As {@link listedIds} reports it. */
  id: string;
  /** What the audit log names: tool/prompt name, resource URI or template. */
  kind: "tool" | "resource" | "prompt";
  target: string;
  /** How a principal exercises it (a policy may depend on who is asking, so the input may too). */
  attempt(subject: Subject): Attempt;
  marks: Record<PrincipalName, Mark>;
}

type Item = Omit<Row, "marks">;
const tool = (name: string, args: (s: Subject) => Record<string, unknown> = () => ({})): Item => ({
  id: `tool:${name}`,
  kind: "tool",
  target: name,
  attempt: (s) => ({ kind: "tool", name, args: args(s) }),
});
const res = (uri: string): Item => ({ id: `resource:${uri}`, kind: "resource", target: uri, attempt: () => ({ kind: "resource", uri }) });
const template = (uriTemplate: string, uri: (s: Subject) => string): Item => ({
  id: `template:${uriTemplate}`,
  kind: "resource",
  target: uriTemplate,
  attempt: (s) => ({ kind: "resource", uri: uri(s) }),
});
const prm = (name: string, args: Record<string, string> = {}): Item => ({ id: `prompt:${name}`, kind: "prompt", target: name, attempt: () => ({ kind: "prompt", name, args }) });

function row(item: Item, ...marks: [Mark, Mark, Mark, Mark, Mark]): Row {
  return { ...item, marks: Object.fromEntries(PRINCIPALS.map((p, i) => [p, marks[i]])) as Record<PrincipalName, Mark> };
}

const own = (s: Subject) => encodeURIComponent(s ?? "nobody");

// prettier-ignore
const MATRIX: Row[] = [
  //                                                                        anonymous viewer editor admin service
  row(tool("status"),                                                          "LC",   "LC",  "LC",  "LC", "LC"),   // public
  row(tool("whoami"),                                                          "-",    "LC",  "LC",  "LC", "LC"),   // any authenticated caller
  row(tool("read_doc"),                                                        "-",    "LC",  "LC",  "LC", "-"),    // class-level: viewer|editor|admin
  row(tool("edit_doc"),                                                        "-",    "-",   "LC",  "-",  "-"),    // + editor|admin, + docs:write
  row(tool("delete_user"),                                                     "-",    "-",   "-",   "LC", "-"),    // + admin
  row(tool("audit_log"),                                                       "-",    "-",   "-",   "LC", "-"),    // + (admin|editor) and auditor
  row(tool("rename_doc", (s) => ({ owner: s ?? "nobody", title: "t" })),       "-",    "LC",  "LC",  "LC", "-"),    // + policy: owner (own doc)
  row(tool("reindex"),                                                         "-",    "-",   "-",   "-",  "LC"),   // scope index:write
  row(tool("purge_cache"),                                                     "-",    "L",   "L",   "L",  "LC"),   // policy only: the indexer
  row(tool("rotate_keys"),                                                     "-",    "-",   "-",   "-",  "-"),    // role admin and scope keys:rotate
  row(res("status://health"),                                                  "LC",   "LC",  "LC",  "LC", "LC"),   // public
  row(res("docs://handbook"),                                                  "-",    "LC",  "LC",  "LC", "-"),    // class-level
  row(template("users://{id}/profile", () => "users://42/profile"),            "-",    "-",   "-",   "LC", "-"),    // + admin
  row(template("notes://{owner}", (s) => `notes://${own(s)}`),                 "-",    "LC",  "LC",  "LC", "-"),    // + policy: owner
  row(template("index://{shard}", () => "index://7"),                          "-",    "-",   "-",   "-",  "LC"),   // scope index:write
  row(prm("welcome"),                                                          "LC",   "LC",  "LC",  "LC", "LC"),   // public
  row(prm("summarize", { doc: "handbook" }),                                   "-",    "LC",  "LC",  "LC", "-"),    // class-level
  row(prm("incident_review"),                                                  "-",    "-",   "LC",  "-",  "-"),    // + docs:write
  row(prm("reindex_plan"),                                                     "-",    "-",   "-",   "-",  "LC"),   // scope index:write
];

/** Denials whose message must name exactly what is missing (the rest are checked for shape only). */
const REASONS: { p: PrincipalName; id: string; message: string; missingRoles: string[][]; missingScopes: string[] }[] = [
  { p: "anonymous", id: "tool:whoami", message: "Forbidden: authentication required", missingRoles: [], missingScopes: [] },
  { p: "service", id: "tool:read_doc", message: "Forbidden: requires one of roles viewer, editor, admin", missingRoles: [["viewer", "editor", "admin"]], missingScopes: [] },
  { p: "viewer", id: "tool:delete_user", message: "Forbidden: requires role admin", missingRoles: [["admin"]], missingScopes: [] },
  { p: "editor", id: "tool:audit_log", message: "Forbidden: requires role auditor", missingRoles: [["auditor"]], missingScopes: [] },
  { p: "admin", id: "tool:edit_doc", message: "Forbidden: missing scope docs:write", missingRoles: [], missingScopes: ["docs:write"] },
  { p: "viewer", id: "tool:edit_doc", message: "Forbidden: requires one of roles editor, admin; missing scope docs:write", missingRoles: [["editor", "admin"]], missingScopes: ["docs:write"] },
  { p: "admin", id: "tool:rotate_keys", message: "Forbidden: missing scope keys:rotate", missingRoles: [], missingScopes: ["keys:rotate"] },
  { p: "service", id: "tool:rotate_keys", message: "Forbidden: requires role admin", missingRoles: [["admin"]], missingScopes: [] },
  { p: "viewer", id: "tool:purge_cache", message: "Forbidden: policy denied the request", missingRoles: [], missingScopes: [] },
  { p: "editor", id: "template:users://{id}/profile", message: "Forbidden: requires role admin", missingRoles: [["admin"]], missingScopes: [] },
  { p: "admin", id: "prompt:incident_review", message: "Forbidden: missing scope docs:write", missingRoles: [], missingScopes: ["docs:write"] },
  { p: "viewer", id: "template:index://{shard}", message: "Forbidden: missing scope index:write", missingRoles: [], missingScopes: ["index:write"] },
];

const expectedListed = (p: PrincipalName, hideUnauthorized = true) =>
  MATRIX.filter((r) => !hideUnauthorized || r.marks[p] !== "-").map((r) => r.id).sort();
const expectedCallable = (p: PrincipalName) => MATRIX.filter((r) => r.marks[p] === "LC").map((r) => r.id).sort();

/** Tries every row as `p`; returns the callable ids and every outcome by id. */
async function probeAll(client: Client, p: PrincipalName): Promise<{ callable: string[]; outcomes: Map<string, Outcome> }> {
  const outcomes = new Map<string, Outcome>();
  for (const r of MATRIX) outcomes.set(r.id, await attempt(client, r.attempt(subjectOf(p))));
  return { callable: [...outcomes].filter(([, o]) => o.allowed).map(([id]) => id).sort(), outcomes };
}

/** A denial as the audit records it, for comparing sets. */
const denialKey = (kind: unknown, target: unknown) => `${kind} ${target}`;

interface Harness {
  connect(p: PrincipalName): Promise<{ client: Client; close(): Promise<void>; denials(): Promise<Record<string, unknown>[]> }>;
  teardown(): Promise<void>;
}

/** In-process servers (memory, HTTP) report audit events through onAudit; filter them by subject. */
function auditOf(events: AuditEvent[], p: PrincipalName): Record<string, unknown>[] {
  return events.filter((e) => e.type === "authz.denied" && e.subject === subjectOf(p)) as unknown as Record<string, unknown>[];
}

const HARNESSES: Record<"memory" | "http" | "stdio", () => Promise<Harness>> = {
  async memory() {
    const events: AuditEvent[] = [];
    const server = buildMatrixServer({ logger: silentLogger, onAudit: (e) => events.push(e) });
    return {
      async connect(p) {
        const key = keyOf(p);
        const t: TestClient = await createTestClient(server, key ? { headers: { "x-api-key": key } } : {});
        return { client: t.client, close: () => t.close(), denials: async () => auditOf(events, p) };
      },
      teardown: () => server.close(),
    };
  },
  async http() {
    const events: AuditEvent[] = [];
    const server: CraftServer = buildMatrixServer({ logger: silentLogger, onAudit: (e) => events.push(e) });
    const { url } = await server.listen({ port: 0, host: "127.0.0.1" });
    return {
      async connect(p) {
        const key = keyOf(p);
        const client = await httpClient(url, key ? { "x-api-key": key } : {});
        return { client, close: () => client.close(), denials: async () => auditOf(events, p) };
      },
      teardown: () => server.close(),
    };
  },
  async stdio() {
    // One child per principal, the key in its environment as an MCP client configuration would pass it.
    return {
      async connect(p) {
        const key = keyOf(p);
        const child: StdioChild = await stdioChild(MATRIX_SERVER, key ? { API_KEY: key } : {});
        const expected = MATRIX.filter((r) => r.marks[p] !== "LC").length;
        return {
          client: child.client,
          close: () => child.close(),
          // The child logs each denial to stderr (JSON lines) before it answers; wait for the pipe to deliver them.
          denials: async () => {
            await child.waitForStderr((text) => loggedEvents(text, "authz.denied").length >= expected);
            return loggedEvents(child.stderr(), "authz.denied");
          },
        };
      },
      teardown: async () => {},
    };
  },
};

for (const transport of ["memory", "http", "stdio"] as const) {
  describe(`authorization matrix over ${transport}: 5 principals × every tool, resource and prompt`, () => {
    let harness: Harness;
    const conns = new Map<PrincipalName, Awaited<ReturnType<Harness["connect"]>>>();

    before(async () => {
      harness = await HARNESSES[transport]();
      const opened = await Promise.all(PRINCIPALS.map(async (p) => [p, await harness.connect(p)] as const));
      for (const [p, c] of opened) conns.set(p, c);
    });
    after(async () => {
      await Promise.allSettled([...conns.values()].map((c) => c.close()));
      conns.clear();
      await harness?.teardown();
    });

    it("tools/list, resources/list, resources/templates/list and prompts/list show each principal exactly its listed column", async () => {
      for (const p of PRINCIPALS) {
        assert.deepEqual(await listedIds(conns.get(p)!.client), expectedListed(p), `listed for ${p}`);
      }
    });

    it("each principal may call exactly its callable column; every refusal is -32003 `Forbidden: …`, and is audited", async () => {
      for (const p of PRINCIPALS) {
        const conn = conns.get(p)!;
        const { callable, outcomes } = await probeAll(conn.client, p);
        assert.deepEqual(callable, expectedCallable(p), `callable for ${p}`);
        for (const [id, o] of outcomes) {
          if (o.allowed) continue;
          assert.equal(o.code, -32003, `${p} × ${id}: ${o.message}`);
          assert.match(o.message, /^MCP error -32003: Forbidden: \S/, `${p} × ${id}`);
        }
        // Audit: one authz.denied per refusal, naming the subject and the tool/resource/prompt.
        const denied = await conn.denials();
        const expectedDenials = MATRIX.filter((r) => r.marks[p] !== "LC").map((r) => denialKey(r.kind, r.target)).sort();
        assert.deepEqual(denied.map((e) => denialKey(e.kind, e.target)).sort(), expectedDenials, `audit for ${p}`);
        for (const e of denied) {
          assert.equal(e.subject, subjectOf(p));
          assert.ok(Array.isArray(e.missingRoles) && Array.isArray(e.missingScopes), JSON.stringify(e));
          assert.equal(e.transport, transport);
        }
      }
    });

    it("a refusal names what is missing, in the message, in error.data and in the audit event", async () => {
      for (const r of REASONS) {
        const row = MATRIX.find((m) => m.id === r.id)!;
        const o = await attempt(conns.get(r.p)!.client, row.attempt(subjectOf(r.p)));
        assert.deepEqual(o, {
          allowed: false,
          code: -32003,
          message: `MCP error -32003: ${r.message}`,
          data: { missingRoles: r.missingRoles, missingScopes: r.missingScopes },
        }, `${r.p} × ${r.id}`);
      }
      const viewerAudit = await conns.get("viewer")!.denials();
      const editDoc = viewerAudit.find((e) => e.target === "edit_doc")!;
      assert.deepEqual([editDoc.kind, editDoc.missingRoles, editDoc.missingScopes], ["tool", [["editor", "admin"]], ["docs:write"]]);
    });

    it("policies decide on the input, at call time only: the same listed tool or template is refused for someone else's document", async () => {
      for (const p of ["viewer", "editor", "admin"] as const) {
        const { client } = conns.get(p)!;
        const other = await attempt(client, { kind: "tool", name: "rename_doc", args: { owner: "somebody-else", title: "t" } });
        assert.deepEqual(other, { allowed: false, code: -32003, message: "MCP error -32003: Forbidden: policy denied the request", data: { missingRoles: [], missingScopes: [] } });
        const notes = await attempt(client, { kind: "resource", uri: "notes://somebody-else" });
        assert.deepEqual(notes, other);
        // Invalid input to a policy-guarded tool is a validation error for a caller who holds the roles…
        const invalid = await client.callTool({ name: "rename_doc", arguments: { owner: 7 } });
        assert.equal(invalid.isError, true);
      }
      // …but a caller without them is refused before the input is even looked at.
      const anon = await attempt(conns.get("anonymous")!.client, { kind: "tool", name: "rename_doc", args: { owner: 7 } });
      assert.deepEqual(anon, { allowed: false, code: -32003, message: "MCP error -32003: Forbidden: authentication required", data: { missingRoles: [], missingScopes: [] } });
    });
  });
}

describe("authorization matrix, hideUnauthorized: false (in memory)", () => {
  let hidden: CraftServer;
  let shown: CraftServer;
  before(() => {
    hidden = buildMatrixServer({ logger: silentLogger });
    shown = buildMatrixServer({ logger: silentLogger, hideUnauthorized: false });
  });
  after(async () => {
    await hidden.close();
    await shown.close();
  });

  const open = (server: CraftServer, p: PrincipalName) => {
    const key = keyOf(p);
    return createTestClient(server, key ? { headers: { "x-api-key": key } } : {});
  };

  it("lists everything to everyone, and still lets each principal call exactly its callable column", async () => {
    for (const p of PRINCIPALS) {
      const t = await open(shown, p);
      try {
        assert.deepEqual(await listedIds(t.client), expectedListed(p, false), `listed for ${p}`);
        assert.deepEqual((await probeAll(t.client, p)).callable, expectedCallable(p), `callable for ${p}`);
      } finally {
        await t.close();
      }
    }
  });

  it("calling a hidden tool, resource or prompt by name is refused exactly as calling it when it is shown", async () => {
    let compared = 0;
    for (const p of PRINCIPALS) {
      const [h, s] = await Promise.all([open(hidden, p), open(shown, p)]);
      try {
        const [fromHidden, fromShown] = [await probeAll(h.client, p), await probeAll(s.client, p)];
        const hiddenIds = new Set(await listedIds(h.client));
        for (const r of MATRIX) {
          const o = fromHidden.outcomes.get(r.id)!;
          assert.deepEqual(o, fromShown.outcomes.get(r.id), `${p} × ${r.id}`);
          if (!hiddenIds.has(r.id)) {
            assert.equal(o.allowed, false, `${p} × ${r.id} is hidden, so it must be refused`);
            compared++;
          }
        }
      } finally {
        await Promise.all([h.close(), s.close()]);
      }
    }
    assert.equal(compared, MATRIX.reduce((n, r) => n + PRINCIPALS.filter((p) => r.marks[p] === "-").length, 0));
  });

  it("a hidden tool refused by name answers like a listed tool refused by its policy: -32003, `Forbidden: <reason>`, same data shape", async () => {
    const t = await open(hidden, "viewer");
    try {
      const hiddenTool = await attempt(t.client, { kind: "tool", name: "delete_user" });
      const listedButRefused = await attempt(t.client, { kind: "tool", name: "purge_cache" });
      const shape = (o: Outcome) => (o.allowed ? "allowed" : [o.code, o.message.replace(/Forbidden: .*/, "Forbidden: <reason>"), Object.keys(o.data as object)]);
      assert.deepEqual(shape(hiddenTool), shape(listedButRefused));
      assert.deepEqual(shape(hiddenTool), [-32003, "MCP error -32003: Forbidden: <reason>", ["missingRoles", "missingScopes"]]);
    } finally {
      await t.close();
    }
  });
});
