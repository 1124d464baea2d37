import "reflect-metadata";
import assert from "node:assert/strict";
import { IsString, Length } from "class-validator";
import { container as globalContainer, inject, injectable, Lifecycle, scoped } from "tsyringe";
import {
  ApiKeyStrategy,
  AUTH_CONTEXT,
  ConfigurationError,
  createServer,
  Ctx,
  REQUEST_CONTEXT,
  RequireRole,
  Server,
  silentLogger,
  Tool,
  type AuthContext,
  type AuthStrategy,
  type ToolContext,
} from "../../src";
import { createTestClient, MockAuthStrategy } from "../../src/testing";

describe("decorator API: @Server, @Tool, @Ctx and DI", () => {
  class DeleteUserInput {
    @IsString()
    @Length(1, 64)
    userId!: string;
  }

  @injectable()
  class UserService {
    readonly deleted: string[] = [];
    delete(id: string) {
      this.deleted.push(id);
      return `deleted ${id}`;
    }
  }

  /** Request-scoped: injects the caller, so it must be a fresh instance per request. */
  @injectable()
  class Audit {
    constructor(@inject(AUTH_CONTEXT) readonly auth: AuthContext | undefined, @inject(REQUEST_CONTEXT) readonly ctx: ToolContext) {}
    who() {
      return this.auth?.subject;
    }
  }

  @Server({ name: "admin-server", version: "1.0.0", auth: ApiKeyStrategy })
  class AdminServer {
    constructor(private readonly users: UserService, private readonly audit: Audit) {}

    @Tool({ description: "Delete a user account" })
    @RequireRole("admin")
    async deleteUser(input: DeleteUserInput, @Ctx() ctx: ToolContext) {
      return `${this.users.delete(input.userId)} by ${ctx.auth?.subject}`;
    }

    @Tool({ description: "Who am I, seen via an injected request-scoped service" })
    async whoAmI(@Ctx() ctx: ToolContext) {
      // Yield to the event loop so concurrent calls interleave before reading the context back.
      await new Promise((r) => setImmediate(r));
      return { viaService: this.audit.who(), viaCtx: ctx.auth?.subject, sameRequest: this.audit.ctx === ctx };
    }
  }

  it("names tools in snake_case and derives the input schema from the DTO parameter", async () => {
    const t = await createTestClient(AdminServer, { as: { subject: "alice", roles: ["admin"] } });
    try {
      const tools = await t.listTools();
      assert.deepEqual(tools.map((x) => x.name).sort(), ["delete_user", "who_am_i"]);
      const del = tools.find((x) => x.name === "delete_user")!;
      assert.deepEqual((del.inputSchema as any).required, ["userId"]);
      assert.equal((del.inputSchema as any).properties.userId.maxLength, 64);
      assert.deepEqual((await t.callTool("delete_user", { userId: "42" })).content, [{ type: "text", text: "deleted 42 by alice" }]);
    } finally {
      await t.close();
    }
  });

  it("resolves singletons once and the server class per request, with constructor injection", async () => {
    const c = globalContainer.createChildContainer();
    const users = new UserService();
    c.registerInstance(UserService, users);
    const t = await createTestClient(AdminServer, { container: c, as: { subject: "alice", roles: ["admin"] } });
    try {
      await t.callTool("delete_user", { userId: "1" });
      await t.callTool("delete_user", { userId: "2" });
      assert.deepEqual(users.deleted, ["1", "2"]);
    } finally {
      await t.close();
    }
  });

  it("two concurrent calls as different keys never see each other's context", async () => {
    const c = globalContainer.createChildContainer();
    c.register(ApiKeyStrategy, {
      useValue: new ApiKeyStrategy({ keys: [{ id: "alice", key: "k-alice-0123456789", subject: "alice" }, { id: "bob", key: "k-bob-0123456789", subject: "bob" }] }),
    });
    const server = createServer(AdminServer, { container: c, logger: silentLogger });
    const alice = await createTestClient(server, { headers: { "x-api-key": "k-alice-0123456789" } });
    const bob = await createTestClient(server, { headers: { "x-api-key": "k-bob-0123456789" } });
    try {
      const calls = [];
      for (let i = 0; i < 40; i++) calls.push((i % 2 ? bob : alice).callTool("who_am_i").then((r) => [i % 2 ? "bob" : "alice", r.structuredContent] as const));
      for (const [expected, seen] of await Promise.all(calls)) {
        assert.deepEqual(seen, { viaService: expected, viaCtx: expected, sameRequest: true });
      }
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it("swaps a strategy with one line: container.register<AuthStrategy>(Strategy, { useClass: MockAuthStrategy })", async () => {
    const c = globalContainer.createChildContainer();
    c.register<AuthStrategy>(ApiKeyStrategy, { useClass: MockAuthStrategy });
    const server = createServer(AdminServer, { container: c, logger: silentLogger });
    assert.equal(server.pipeline.def.strategy?.name, "mock");
    const t = await createTestClient(server);
    try {
      const r = await t.callTool("who_am_i");
      assert.equal((r.structuredContent as any).viaCtx, "test-user");
    } finally {
      await t.close();
    }
  });

  it("fails at createServer with a message naming the fix", () => {
    // Interface-typed input: emitDecoratorMetadata gives Object.
    interface NotAClass {
      id: string;
    }
    @Server({ name: "bad" })
    class BadInput {
      @Tool({ description: "x" })
      run(input: NotAClass) {
        return input.id;
      }
    }
    assert.throws(() => createServer(BadInput, { logger: silentLogger }), (e: unknown) => e instanceof ConfigurationError && /BadInput\.run/.test(e.message) && /must be classes/.test(e.message));

    class Plain {}
    assert.throws(() => createServer(Plain as any), /not decorated with @Server/);

    @Server({ name: "roles-without-auth" })
    class NoAuth {
      @Tool({ description: "x" })
      @RequireRole("admin")
      run() {
        return "";
      }
    }
    assert.throws(() => createServer(NoAuth, { logger: silentLogger }), /requires roles or scopes but server "roles-without-auth" has no authentication/);

    // A constructor dependency typed by an interface: refused at start-up, not at every call.
    interface Repo {
      find(): string;
    }
    @Server({ name: "bad-ctor" })
    class BadCtor {
      constructor(readonly repo: Repo) {}
      @Tool({ description: "x" })
      run() {
        return this.repo.find();
      }
    }
    assert.throws(() => createServer(BadCtor, { logger: silentLogger }), /BadCtor: constructor parameter #0 has no runtime type/);

    @Server({ name: "unknown-token", auth: Symbol.for("no-such-strategy") })
    class UnknownToken {}
    assert.throws(() => createServer(UnknownToken, { logger: silentLogger }), /not registered/);
  });

  it("keeps @scoped(ContainerScoped) services per request", async () => {
    let made = 0;
    @scoped(Lifecycle.ContainerScoped)
    class PerRequest {
      readonly n = ++made;
    }
    @Server({ name: "scoped" })
    class S {
      constructor(private readonly a: PerRequest) {}
      @Tool({ description: "n" })
      n() {
        return String(this.a.n);
      }
    }
    const t = await createTestClient(S);
    try {
      const first = (await t.callTool("n")).content;
      const second = (await t.callTool("n")).content;
      assert.notDeepEqual(first, second);
    } finally {
      await t.close();
    }
  });
});
