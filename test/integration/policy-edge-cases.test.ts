import "reflect-metadata";
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  Authorize,
  ConfigurationError,
  createServer,
  OAuthStrategy,
  prompt,
  RequireRole,
  RequireScope,
  resource,
  Resource,
  Server,
  silentLogger,
  tool,
  Tool,
  type AuditEvent,
  type CraftServer,
  type Logger,
  type Policy,
} from "../../src";
import { TestIdentityProvider } from "../../src/testing";
import { attempt, listedIds } from "../fixtures/matrix";
import { httpClient } from "../fixtures/processes";

/** A logger that keeps what it is given, to assert on what the server logged. */
function recordingLogger(): Logger & { lines: { level: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>) => void lines.push({ level, fields });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

async function serve(server: CraftServer): Promise<{ url: string; close(): Promise<void> }> {
  const { url } = await server.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => server.close() };
}

async function withClient<T>(url: string, headers: Record<string, string>, body: (c: Client) => Promise<T>): Promise<T> {
  const client = await httpClient(url, headers);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

const FORBIDDEN = (message: string, missingRoles: string[][] = [], missingScopes: string[] = []) => ({
  allowed: false,
  code: -32003,
  message: `MCP error -32003: Forbidden: ${message}`,
  data: { missingRoles, missingScopes },
});

describe("policy edge cases, end to end over HTTP", () => {
  describe("a role claim delivered as an array, as a string, or absent", () => {
    // Only an array of strings grants roles (DESIGN §1a/§3); a string is not split or matched as a substring.
    const CASES: { label: string; roles: unknown; admin: boolean }[] = [
      { label: "array [admin]", roles: ["admin"], admin: true },
      { label: "array with junk [7, admin]", roles: [7, "admin"], admin: true },
      { label: 'string "admin"', roles: "admin", admin: false },
      { label: 'string "superadmin"', roles: "superadmin", admin: false },
      { label: 'string "admin,root"', roles: "admin,root", admin: false },
      { label: "object {admin: true}", roles: { admin: true }, admin: false },
      { label: "absent", roles: undefined, admin: false },
    ];

    describe("from a functional authenticate() hook (context.user.roles)", () => {
      let srv: { url: string; close(): Promise<void> };
      before(async () => {
        const server = createServer({
          name: "roles-hook",
          logger: silentLogger,
          authenticate: async (headers) => {
            const c = CASES[Number(headers["x-case"])];
            if (!c) throw new Error("Invalid case");
            return { user: { id: `case-${headers["x-case"]}`, ...(c.roles === undefined ? {} : { roles: c.roles }) } };
          },
        });
        server.add(
          tool({ name: "delete_user", description: "admins only", input: {}, roles: ["admin"], run: async () => "deleted" }),
          tool({ name: "roles", description: "what the framework derived", input: {}, run: async (_a, ctx) => ({ roles: ctx.auth?.roles ?? null }) }),
        );
        srv = await serve(server);
      });
      after(() => srv.close());

      for (const [i, c] of CASES.entries()) {
        it(`${c.label}: ${c.admin ? "listed and callable" : "hidden and refused with -32003 requires role admin"}`, async () => {
          await withClient(srv.url, { "x-case": String(i) }, async (client) => {
            assert.equal((await listedIds(client)).includes("tool:delete_user"), c.admin);
            assert.deepEqual(await attempt(client, { kind: "tool", name: "delete_user" }), c.admin ? { allowed: true } : FORBIDDEN("requires role admin", [["admin"]]));
            assert.deepEqual((await client.callTool({ name: "roles", arguments: {} })).structuredContent, { roles: c.admin ? ["admin"] : [] });
          });
        });
      }
    });

    describe("from an OAuth access token's roles claim (OAuthStrategy + TestIdentityProvider)", () => {
      let idp: TestIdentityProvider;
      let srv: { url: string; close(): Promise<void> };
      before(async () => {
        idp = await TestIdentityProvider.start({ audience: "urn:test:roles" });
        const server = createServer({ name: "roles-oauth", logger: silentLogger, auth: new OAuthStrategy({ issuer: idp.issuer, audience: "urn:test:roles" }) });
        server.add(
          tool({ name: "delete_user", description: "admins only", input: {}, roles: ["admin"], run: async () => "deleted" }),
          tool({
            name: "guide_delete_user",
            description: "The guide's per-tool sample, as written",
            input: { userId: { type: "string", description: "User ID to delete" } },
            run: async ({ userId }, context) => {
              if (!context.user?.roles?.includes("admin")) {
                throw new Error("Admin access required");
              }
              return `deleted ${userId}`;
            },
          }),
        );
        srv = await serve(server);
      });
      after(async () => {
        await srv?.close();
        await idp?.stop();
      });

      for (const c of CASES) {
        it(`${c.label}: decorators/roles and the guide's in-tool check agree (${c.admin ? "allowed" : "denied"})`, async () => {
          const bearer = idp.mint({ sub: "alice", ...(c.roles === undefined ? {} : { roles: c.roles }) });
          await withClient(srv.url, { authorization: `Bearer ${bearer}` }, async (client) => {
            assert.equal((await listedIds(client)).includes("tool:delete_user"), c.admin);
            assert.deepEqual(await attempt(client, { kind: "tool", name: "delete_user" }), c.admin ? { allowed: true } : FORBIDDEN("requires role admin", [["admin"]]));
            // context.user.roles is the normalised array, so the guide's hand-written check is not fooled either.
            const guide = await client.callTool({ name: "guide_delete_user", arguments: { userId: "42" } });
            assert.deepEqual(guide.content, [{ type: "text", text: c.admin ? "deleted 42" : "Admin access required" }]);
            assert.equal(guide.isError, c.admin ? undefined : true);
          });
        });
      }
    });
  });

  describe("a policy that throws", () => {
    let srv: { url: string; close(): Promise<void> };
    const logger = recordingLogger();
    const events: AuditEvent[] = [];
    let ran = 0;
    before(async () => {
      const server = createServer({ name: "throwing", logger, onAudit: (e) => events.push(e), auth: { strategy: new HeaderStrategy(), anonymous: false } });
      server.add(
        tool({ name: "sync_throw", description: "", input: {}, authorize: () => { throw new Error("policy db unreachable"); }, run: async () => ++ran }),
        tool({ name: "async_reject", description: "", input: {}, authorize: async () => Promise.reject(new Error("lookup failed")), run: async () => ++ran }),
        tool({ name: "throws_non_error", description: "", input: {}, authorize: () => { throw "a string"; }, run: async () => ++ran }),
        tool({ name: "fine", description: "", input: {}, authorize: () => true, run: async () => "fine" }),
        resource({ uri: "files://{name}", authorize: () => { throw new Error("acl service down"); }, read: async () => String(++ran) }),
        prompt({ name: "draft", authorize: async () => { throw new Error("prompt acl down"); }, get: async () => String(++ran) }),
      );
      srv = await serve(server);
    });
    after(() => srv.close());

    it("denies with -32003, never runs the handler, logs the error and audits the denial; the server keeps serving", async () => {
      await withClient(srv.url, { "x-user": "alice" }, async (client) => {
        for (const name of ["sync_throw", "async_reject", "throws_non_error"]) {
          assert.deepEqual(await attempt(client, { kind: "tool", name }), FORBIDDEN("policy denied the request"), name);
        }
        assert.deepEqual(await attempt(client, { kind: "resource", uri: "files://a" }), FORBIDDEN("policy denied the request"));
        assert.deepEqual(await attempt(client, { kind: "prompt", name: "draft" }), FORBIDDEN("policy denied the request"));
        assert.equal(ran, 0, "no handler ran");
        assert.deepEqual((await client.callTool({ name: "fine", arguments: {} })).content, [{ type: "text", text: "fine" }]);
      });
      const errors = logger.lines.filter((l) => l.level === "error" && l.fields.event === "authz.policy_error").map((l) => l.fields.error);
      assert.deepEqual(errors, ["policy db unreachable", "lookup failed", "a string", "acl service down", "prompt acl down"]);
      const denied = events.filter((e) => e.type === "authz.denied").map((e) => e.type === "authz.denied" && `${e.subject} ${e.kind} ${e.target}`);
      assert.deepEqual(denied, ["alice tool sync_throw", "alice tool async_reject", "alice tool throws_non_error", "alice resource files://{name}", "alice prompt draft"]);
    });
  });

  describe("a slow policy is bounded by authorization.policyTimeoutMs", () => {
    const TIMEOUT_MS = 150;
    let srv: { url: string; close(): Promise<void> };
    let ran = 0;
    let evaluated = 0;
    const pending: (() => void)[] = [];
    before(async () => {
      const never: Policy = () => (evaluated++, new Promise<boolean>(() => {}));
      // Not a native Promise (a query builder, another promise library): must be bounded just the same.
      const neverThenable = (() => (evaluated++, { then: () => undefined })) as unknown as Policy;
      const late: Policy = () => (evaluated++, new Promise<boolean>((resolve) => pending.push(() => resolve(true))));
      const server = createServer({
        name: "slow",
        logger: silentLogger,
        auth: new HeaderStrategy(),
        authorization: { policyTimeoutMs: TIMEOUT_MS },
      });
      server.add(
        tool({ name: "never", description: "", input: {}, authorize: never, run: async () => ++ran }),
        tool({ name: "never_thenable", description: "", input: {}, authorize: neverThenable, run: async () => ++ran }),
        tool({ name: "late", description: "", input: {}, authorize: late, run: async () => ++ran }),
        tool({ name: "quick", description: "", input: {}, authorize: async () => true, run: async () => "quick" }),
      );
      srv = await serve(server);
    });
    after(async () => {
      for (const release of pending) release();
      await srv.close();
    });

    it("tools/list never runs policies (so a slow one cannot slow it down) and lists every policy-guarded tool", async () => {
      await withClient(srv.url, { "x-user": "alice" }, async (client) => {
        assert.deepEqual(await listedIds(client), ["tool:late", "tool:never", "tool:never_thenable", "tool:quick"]);
        assert.equal(evaluated, 0);
      });
    });

    for (const name of ["never", "never_thenable", "late"]) {
      it(`a policy that does not settle in time (${name}) denies with -32003 "policy timed out" after about policyTimeoutMs`, async function () {
        this.timeout(5000);
        await withClient(srv.url, { "x-user": "alice" }, async (client) => {
          const started = performance.now();
          assert.deepEqual(await attempt(client, { kind: "tool", name }), FORBIDDEN("policy timed out"));
          const elapsed = performance.now() - started;
          assert.ok(elapsed >= TIMEOUT_MS - 5, `answered after ${elapsed} ms, before the timeout`);
          assert.ok(elapsed < TIMEOUT_MS + 2000, `answered after ${elapsed} ms`);
          assert.equal(ran, 0, "the handler never ran");
          assert.ok(evaluated > 0);
          assert.deepEqual((await client.callTool({ name: "quick", arguments: {} })).content, [{ type: "text", text: "quick" }]);
        });
      });
    }
  });

  describe("start-up checks", () => {
    const noAuth = (label: string) => new RegExp(`${label} requires roles or scopes but server "open" has no authentication; configure auth`);

    it("a tool, resource or prompt requiring roles or scopes on a server without auth refuses to start, naming it and the fix", () => {
      const open = () => createServer({ name: "open", logger: silentLogger });
      assert.throws(() => open().add(tool({ name: "t", description: "", scopes: ["a:b"], run: () => "" })), noAuth('tool "t"'));
      assert.throws(() => open().add(resource({ uri: "x://y", roles: ["admin"], read: () => "" })), noAuth('resource "x://y"'));
      assert.throws(() => open().add(prompt({ name: "p", scopes: ["a:b"], get: () => "" })), noAuth('prompt "p"'));

      @Server({ name: "open" })
      @RequireRole("staff")
      class ClassLevel {
        @Resource("docs://{id}")
        doc() {
          return "";
        }
      }
      assert.throws(() => createServer(ClassLevel, { logger: silentLogger }), (e: unknown) => e instanceof ConfigurationError && noAuth('resource "docs://\\{id\\}"').test(e.message));

      @Server({ name: "open" })
      class MethodScope {
        @Tool({ description: "" })
        @RequireScope("docs:write")
        edit() {
          return "";
        }
      }
      assert.throws(() => createServer(MethodScope, { logger: silentLogger }), noAuth('tool "edit"'));
    });

    it("an unknown strategy token fails at createServer, not at the first request", () => {
      for (const token of [Symbol("NoSuchStrategy"), "NoSuchStrategy"]) {
        @Server({ name: "unknown", auth: token })
        class S {}
        assert.throws(() => createServer(S, { logger: silentLogger }), /auth strategy token .*NoSuchStrategy.* is not registered in the container/);
      }
      assert.throws(() => createServer({ name: "bad", logger: silentLogger, auth: { strategy: Symbol("Nope") } }), ConfigurationError);
      assert.throws(() => createServer({ name: "bad", logger: silentLogger, authorization: { policyTimeoutMs: 0 } }), /policyTimeoutMs must be positive/);
    });

    it("a policy alone needs no auth: it starts, and the policy still decides every call", async () => {
      @Server({ name: "policy-only" })
      class PolicyOnly {
        @Tool({ description: "" })
        @Authorize((ctx) => ctx.auth === undefined && ctx.transport === "http")
        anonymousOverHttp() {
          return "ok";
        }
        @Tool({ description: "" })
        @Authorize(() => false)
        never() {
          return "no";
        }
      }
      const srv = await serve(createServer(PolicyOnly, { logger: silentLogger }));
      try {
        await withClient(srv.url, {}, async (client) => {
          assert.deepEqual(await listedIds(client), ["tool:anonymous_over_http", "tool:never"]);
          assert.deepEqual(await attempt(client, { kind: "tool", name: "anonymous_over_http" }), { allowed: true });
          assert.deepEqual(await attempt(client, { kind: "tool", name: "never" }), FORBIDDEN("policy denied the request"));
        });
      } finally {
        await srv.close();
      }
    });
  });
});

/** A tiny strategy for these tests: the caller is whoever `x-user` names (no roles, no scopes). */
class HeaderStrategy {
  readonly name = "header";
  hasCredentials(req: { headers: Record<string, string | undefined> }) {
    return req.headers["x-user"] !== undefined;
  }
  async authenticate(req: { headers: Record<string, string | undefined> }) {
    const subject = req.headers["x-user"];
    if (!subject) throw new Error("no user");
    return { subject, roles: [], scopes: [], claims: {}, strategy: this.name };
  }
}
