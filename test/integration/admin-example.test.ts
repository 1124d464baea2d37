import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { SdkClient as Client } from "../../src/testing";
import { silentLogger, type CraftServer } from "../../src";
import { createTestClient } from "../../src/testing";
import { createAdminServer, KEYS } from "../../docs/examples/authorization-decorators";
import { createFunctionalAdminServer } from "../../docs/examples/authorization-functional";
import { createCrmServer, createVisibleAdminServer } from "../../docs/examples/authorization-options";
import { server as guideServer } from "../../docs/examples/authorization-guide";
import { attempt, listedIds, stdioChild } from "../fixtures/matrix";
import { example, httpClient, rawPost, runToExit, startHttpExample, INIT, type RunningServer } from "../fixtures/processes";

const ADMIN_KEY = "sk-admin-example-3f9a0c1b2d4e5f60";
const USER_KEY = "sk-user-example-7a6b5c4d3e2f1a09";
const SCRIPT = example("admin/server.js");
const FORBIDDEN_ADMIN = { allowed: false, code: -32003, message: "MCP error -32003: Forbidden: requires role admin", data: { missingRoles: [["admin"]], missingScopes: [] } };

async function names(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name).sort();
}

describe("examples/admin: the guide's admin server with decorators", () => {
  describe("over Streamable HTTP, keys from ADMIN_API_KEYS and API_KEY", () => {
    let srv: RunningServer;
    before(async () => {
      srv = await startHttpExample(SCRIPT, { ADMIN_API_KEYS: `root:${ADMIN_KEY}`, API_KEY: `bob:${USER_KEY}` });
    });
    after(() => srv.stop());

    it("an admin sees and calls delete_user and upgrade_plan", async () => {
      const client = await httpClient(srv.url, { "x-api-key": ADMIN_KEY });
      try {
        assert.deepEqual(await names(client), ["delete_user", "list_users", "upgrade_plan", "whoami"]);
        assert.deepEqual((await client.callTool({ name: "whoami", arguments: {} })).structuredContent, { subject: "apikey:root", roles: ["admin"] });
        const upgraded = await client.callTool({ name: "upgrade_plan", arguments: { userId: "42", plan: "pro" } });
        assert.deepEqual(upgraded.structuredContent, { id: "42", name: "Ada", plan: "pro" });
        assert.deepEqual((await client.callTool({ name: "delete_user", arguments: { userId: "43" } })).content, [{ type: "text", text: "Deleted user 43" }]);
      } finally {
        await client.close();
      }
    });

    it("anyone else does not see them, and calling them anyway is refused with -32003 before anything runs", async () => {
      const client = await httpClient(srv.url, { "x-api-key": USER_KEY });
      try {
        assert.deepEqual(await names(client), ["list_users", "whoami"]);
        assert.deepEqual(await attempt(client, { kind: "tool", name: "delete_user", args: { userId: "42" } }), FORBIDDEN_ADMIN);
        // Refused before validation too: invalid input to a tool you may not call says nothing about its schema.
        assert.deepEqual(await attempt(client, { kind: "tool", name: "upgrade_plan", args: { plan: "free" } }), FORBIDDEN_ADMIN);
        const users = (await client.callTool({ name: "list_users", arguments: {} })).structuredContent as { users: { id: string }[] };
        assert.ok(users.users.some((u) => u.id === "42"), "user 42 still exists");
      } finally {
        await client.close();
      }
    });

    it("without a key: 401 (this server has no anonymous access)", async () => {
      const r = await rawPost(srv.url, INIT);
      assert.equal(r.status, 401);
      assert.equal(r.json.error.code, -32001);
    });
  });

  describe("over stdio, the presented key in API_KEY", () => {
    it("an admin's key (listed in ADMIN_API_KEYS) sees the admin tools; an ordinary key does not", async () => {
      const [admin, user] = await Promise.all([
        stdioChild(SCRIPT, { API_KEY: ADMIN_KEY, ADMIN_API_KEYS: ADMIN_KEY }),
        stdioChild(SCRIPT, { API_KEY: USER_KEY, ADMIN_API_KEYS: ADMIN_KEY }),
      ]);
      try {
        assert.deepEqual(await names(admin.client), ["delete_user", "list_users", "upgrade_plan", "whoami"]);
        assert.deepEqual(await attempt(admin.client, { kind: "tool", name: "delete_user", args: { userId: "42" } }), { allowed: true });
        assert.deepEqual(await names(user.client), ["list_users", "whoami"]);
        assert.deepEqual(await attempt(user.client, { kind: "tool", name: "delete_user", args: { userId: "42" } }), FORBIDDEN_ADMIN);
      } finally {
        await Promise.all([admin.close(), user.close()]);
      }
    });

    it("with no keys at all it refuses to start: one line on stderr naming both variables, exit 1, nothing on stdout", async () => {
      const r = await runToExit(process.execPath, [SCRIPT, "--stdio"], {});
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.deepEqual(r.stderr.trim().split("\n"), [
        "configuration error: admin-server has no API keys: set ADMIN_API_KEYS (admins) and/or API_KEY (everyone else), comma-separated. Refusing to serve.",
      ]);
    });
  });

  it("with neither variable set, over HTTP, generates a development admin key and prints it", async () => {
    const srv = await startHttpExample(SCRIPT, {});
    try {
      // The help is printed right after the "listening on" line that startHttpExample waits for.
      const printed = await new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = /ADMIN_API_KEYS=(sk-dev-\S+)\n[\s\S]*Set ADMIN_API_KEYS yourself/.exec(srv.stderr());
          if (!m) return;
          srv.child.stderr!.off("data", onData);
          srv.child.off("exit", onExit);
          resolve(m);
        };
        const onData = () => setImmediate(check);
        const onExit = () => reject(new Error(`exited before printing the key: ${srv.stderr()}`));
        srv.child.stderr!.on("data", onData);
        srv.child.once("exit", onExit);
        check();
      });
      const client = await httpClient(srv.url, { "x-api-key": printed[1] });
      try {
        assert.deepEqual(await names(client), ["delete_user", "list_users", "upgrade_plan", "whoami"]);
      } finally {
        await client.close();
      }
    } finally {
      await srv.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// docs/authorization.md: its tables describe what docs/examples/authorization-*.ts do. (docs.test.ts checks that
// the code blocks are those files.)
// ---------------------------------------------------------------------------------------------------------------
const DOC = readFileSync(path.resolve(__dirname, "../../../docs/authorization.md"), "utf8");

/** The markdown table right after `<!-- table: name -->`, as rows of trimmed cells (header first, separator dropped). */
function table(name: string): string[][] {
  const lines = DOC.split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() === `<!-- table: ${name} -->`);
  assert.ok(at >= 0, `docs/authorization.md has no <!-- table: ${name} -->`);
  const rows: string[][] = [];
  for (let i = at + 1; i < lines.length && lines[i].trim().startsWith("|"); i++) {
    const cells = lines[i].trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim().replace(/`/g, ""));
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    rows.push(cells);
  }
  assert.ok(rows.length > 1, `table ${name} is empty`);
  return rows;
}

const dash = (cell: string) => (cell === "—" ? [] : cell.split(",").map((s) => s.trim()));

describe("docs/authorization.md", () => {
  it("the callers table is KEYS of docs/examples/authorization-decorators.ts", () => {
    const [header, ...rows] = table("callers");
    assert.deepEqual(header, ["caller (key id)", "subject", "roles", "scopes"]);
    const documented = rows.filter((r) => r[0] !== "anonymous").map(([id, subject, roles, scopes]) => ({ id, subject, roles: dash(roles), scopes: dash(scopes) }));
    const actual = (KEYS.keys ?? []).map((k) => (typeof k === "string" ? { id: k } : { id: k.id, subject: k.subject, roles: k.roles ?? [], scopes: k.scopes ?? [] }));
    assert.deepEqual(documented, actual);
  });

  const servers: [string, () => CraftServer][] = [
    ["decorators (authorization-decorators.ts)", () => createAdminServer({ logger: silentLogger })],
    ["functional (authorization-functional.ts)", () => createFunctionalAdminServer({ logger: silentLogger })],
  ];
  for (const [label, build] of servers) {
    it(`the who-sees-and-may-call-what table is what the ${label} server does`, async () => {
      const [header, ...rows] = table("who-sees-what");
      const callers = header.slice(1);
      const server = build();
      let checked = 0;
      try {
        for (const [i, caller] of callers.entries()) {
          const entry = KEYS.keys?.find((k) => typeof k !== "string" && k.id === caller);
          assert.ok(caller === "anonymous" || entry, `unknown caller column ${caller}`);
          const key = entry && typeof entry !== "string" ? entry.key : undefined;
          const subject = entry && typeof entry !== "string" ? entry.subject : undefined;
          const t = await createTestClient(server, key ? { headers: { "x-api-key": key } } : {});
          try {
            const listed = await listedIds(t.client);
            for (const row of rows) {
              const toolName = row[0];
              const cell = row[i + 1];
              assert.ok(["calls", "own account", "—"].includes(cell), `unknown cell "${cell}"`);
              const args = (userId: string) => (toolName === "status" ? {} : toolName === "upgrade_plan" ? { userId, plan: "pro" } : { userId });
              const own = await attempt(t.client, { kind: "tool", name: toolName, args: args(subject ?? "nobody") });
              const other = await attempt(t.client, { kind: "tool", name: toolName, args: args("someone-else") });
              const what = `${caller} × ${toolName} (${label})`;
              assert.equal(listed.includes(`tool:${toolName}`), cell !== "—", `${what}: listed`);
              assert.equal(own.allowed, cell !== "—", `${what}: own account`);
              assert.equal(other.allowed, cell === "calls", `${what}: someone else's account`);
              for (const o of [own, other]) if (!o.allowed) assert.equal(o.code, -32003, what);
              checked++;
            }
          } finally {
            await t.close();
          }
        }
      } finally {
        await server.close();
      }
      assert.equal(checked, callers.length * rows.length);
      assert.ok(checked >= 20);
    });
  }

  it("the guide's sample (authorization-guide.ts) works as written: a non-admin gets its error, an admin deletes", async () => {
    const user = await createTestClient(guideServer, { headers: { "x-api-key": "sk-demo-user" } });
    const admin = await createTestClient(guideServer, { headers: { "x-api-key": "sk-demo-admin" } });
    try {
      const denied = await user.callTool("delete_user", { userId: "42" });
      assert.deepEqual([denied.isError, denied.content], [true, [{ type: "text", text: "Admin access required" }]]);
      // Unlike roles/@RequireRole, the check inside run() cannot hide the tool: everyone sees it.
      assert.deepEqual((await user.listTools()).map((t) => t.name), ["delete_user"]);
      assert.deepEqual((await admin.callTool("delete_user", { userId: "43" })).content, [{ type: "text", text: "Deleted user 43" }]);
    } finally {
      await user.close();
      await admin.close();
    }
  });

  it("resources, prompts and the options shown (authorization-options.ts) behave as the page says", async () => {
    const key = (id: string) => {
      const k = KEYS.keys?.find((e) => typeof e !== "string" && e.id === id);
      return typeof k === "object" ? k.key! : "";
    };
    const crm = createCrmServer({ logger: silentLogger });
    // The page's options sample logs with the default logger and prints denials from onAudit: capture both.
    const level = process.env.MCPCRAFT_LOG_LEVEL;
    process.env.MCPCRAFT_LOG_LEVEL = "silent";
    const visible = createVisibleAdminServer();
    if (level === undefined) delete process.env.MCPCRAFT_LOG_LEVEL;
    else process.env.MCPCRAFT_LOG_LEVEL = level;
    const printed: string[] = [];
    const consoleError = console.error;
    const alice = await createTestClient(crm, { headers: { "x-api-key": key("alice") } });
    const billing = await createTestClient(crm, { headers: { "x-api-key": key("billing") } });
    const shown = await createTestClient(visible, { headers: { "x-api-key": key("alice") } });
    try {
      assert.deepEqual(await listedIds(alice.client), ["template:users://{userId}/invoices"]);
      assert.deepEqual(await attempt(alice.client, { kind: "resource", uri: "users://alice/invoices" }), { allowed: true });
      assert.equal((await attempt(alice.client, { kind: "resource", uri: "users://bob/invoices" })).allowed, false);
      assert.deepEqual(await listedIds(billing.client), ["prompt:refund_letter", "template:users://{userId}/invoices"]);
      assert.deepEqual(await attempt(billing.client, { kind: "resource", uri: "users://bob/invoices" }), { allowed: true });
      assert.deepEqual(await attempt(billing.client, { kind: "prompt", name: "refund_letter", args: { userId: "bob" } }), { allowed: true });
      // hideUnauthorized: false lists every tool to alice, and still refuses what she may not call.
      assert.deepEqual(await listedIds(shown.client), ["tool:delete_user", "tool:show_account", "tool:status", "tool:upgrade_plan"]);
      console.error = (...args: unknown[]) => void printed.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      try {
        assert.deepEqual(await attempt(shown.client, { kind: "tool", name: "delete_user", args: { userId: "alice" } }), FORBIDDEN_ADMIN);
      } finally {
        console.error = consoleError;
      }
      assert.deepEqual(printed, ['alice denied tool delete_user: requires role admin [["admin"]] []']);
    } finally {
      await Promise.all([alice.close(), billing.close(), shown.close()]);
      await Promise.all([crm.close(), visible.close()]);
    }
  });
});
