import assert from "node:assert/strict";
import { ApiKeyStrategy, ConfigurationError, createServer, Ctx, Prompt, prompt, resource, Server, silentLogger, type AuditEvent, type ToolContext } from "../../src";
import { createTestClient } from "../../src/testing";

const REPOS = ["mcpcraft-sdk", "mcp-inspector", "modelcontextprotocol", "octocat"];

function build(events: AuditEvent[] = []) {
  const server = createServer({
    name: "complete",
    logger: silentLogger,
    onAudit: (e) => events.push(e),
    auth: new ApiKeyStrategy({ keys: [{ id: "dev", key: "sk-dev-0123456789", roles: ["dev"] }, { id: "guest", key: "sk-guest-0123456789" }] }),
  });
  server.add(
    prompt({
      name: "review",
      arguments: [{ name: "repo", required: true }, { name: "branch" }],
      complete: {
        repo: (typed) => REPOS.filter((r) => r.startsWith(typed)),
        branch: (typed, ctx, args) => [`${args.repo ?? "?"}/${typed}main`, `${ctx.auth?.subject}`],
      },
      get: ({ repo }) => `Review ${repo}`,
    }),
    prompt({ name: "deploy", roles: ["dev"], arguments: [{ name: "env" }], complete: { env: () => ["staging", "production"] }, get: () => "deploy" }),
    prompt({ name: "many", arguments: [{ name: "n" }], complete: { n: () => Array.from({ length: 150 }, (_, i) => String(i)) }, get: () => "" }),
    resource({ uri: "repos://{owner}/{name}", complete: { owner: (typed) => ["octocat", "openai"].filter((o) => o.startsWith(typed)) }, read: (uri) => uri }),
  );
  return server;
}

describe("completions (completion/complete)", () => {
  it("completes prompt arguments and template variables, with the context and the other arguments", async () => {
    const t = await createTestClient(build(), { headers: { "x-api-key": "sk-dev-0123456789" } });
    try {
      assert.ok(t.client.getServerCapabilities()?.completions);
      const repo = await t.client.complete({ ref: { type: "ref/prompt", name: "review" }, argument: { name: "repo", value: "mcp" } });
      assert.deepEqual(repo.completion, { values: ["mcpcraft-sdk", "mcp-inspector"], total: 2, hasMore: false });
      const branch = await t.client.complete({ ref: { type: "ref/prompt", name: "review" }, argument: { name: "branch", value: "x-" }, context: { arguments: { repo: "octocat" } } });
      assert.deepEqual(branch.completion.values, ["octocat/x-main", "apikey:dev"]);
      const owner = await t.client.complete({ ref: { type: "ref/resource", uri: "repos://{owner}/{name}" }, argument: { name: "owner", value: "o" } });
      assert.deepEqual(owner.completion.values, ["octocat", "openai"]);
      const none = await t.client.complete({ ref: { type: "ref/resource", uri: "repos://{owner}/{name}" }, argument: { name: "name", value: "" } });
      assert.deepEqual(none.completion.values, []);
      const many = await t.client.complete({ ref: { type: "ref/prompt", name: "many" }, argument: { name: "n", value: "" } });
      assert.equal(many.completion.values.length, 100);
      assert.equal(many.completion.total, 150);
      assert.equal(many.completion.hasMore, true);
    } finally {
      await t.close();
    }
  });

  it("applies the same authorization as the prompt itself, and refuses unknown targets with -32602", async () => {
    const events: AuditEvent[] = [];
    const server = build(events);
    const guest = await createTestClient(server, { headers: { "x-api-key": "sk-guest-0123456789" } });
    const dev = await createTestClient(server, { headers: { "x-api-key": "sk-dev-0123456789" } });
    try {
      await assert.rejects(guest.client.complete({ ref: { type: "ref/prompt", name: "deploy" }, argument: { name: "env", value: "" } }), (e: { code?: number; message: string }) => e.code === -32003 && /requires role dev/.test(e.message));
      assert.ok(events.some((e) => e.type === "authz.denied" && e.kind === "prompt" && e.target === "deploy"));
      assert.deepEqual((await dev.client.complete({ ref: { type: "ref/prompt", name: "deploy" }, argument: { name: "env", value: "" } })).completion.values, ["staging", "production"]);
      await assert.rejects(dev.client.complete({ ref: { type: "ref/prompt", name: "nope" }, argument: { name: "x", value: "" } }), (e: { code?: number }) => e.code === -32602);
      await assert.rejects(dev.client.complete({ ref: { type: "ref/resource", uri: "nope://{x}" }, argument: { name: "x", value: "" } }), (e: { code?: number }) => e.code === -32602);
    } finally {
      await guest.close();
      await dev.close();
    }
  });

  it("works from @Prompt({ complete }) with the decorator API", async () => {
    @Server({ name: "decorated" })
    class S {
      @Prompt({ description: "greet", arguments: [{ name: "who", required: true }], complete: { who: (typed: string) => ["alice", "albert", "bob"].filter((n) => n.startsWith(typed)) } })
      greet(args: { who: string }, @Ctx() _ctx: ToolContext) {
        return `Hello ${args.who}`;
      }
    }
    const t = await createTestClient(S);
    try {
      const r = await t.client.complete({ ref: { type: "ref/prompt", name: "greet" }, argument: { name: "who", value: "al" } });
      assert.deepEqual(r.completion.values, ["alice", "albert"]);
    } finally {
      await t.close();
    }
  });

  it("refuses a completer for an argument or variable that does not exist, at start-up", () => {
    const server = createServer({ name: "bad", logger: silentLogger });
    assert.throws(() => server.add(prompt({ name: "p", arguments: [{ name: "a" }], complete: { b: () => [] }, get: () => "" })), (e: unknown) => e instanceof ConfigurationError && /complete\.b names no argument/.test(e.message));
    assert.throws(() => server.add(resource({ uri: "x://{id}", complete: { nope: () => [] }, read: () => "" })), ConfigurationError);
    assert.throws(() => server.add(prompt({ name: "q", arguments: [{ name: "a" }], complete: { a: "not a function" as never }, get: () => "" })), ConfigurationError);
  });
});
