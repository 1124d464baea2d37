import "reflect-metadata";
import assert from "node:assert/strict";
import { ConfigurationError, RateLimit, Server, Tool, createServer, silentLogger, tool } from "../../../src";
import { compileClass } from "../../../src/core/compile-class";
import { getRateLimit } from "../../../src/metadata";
import { createTestClient } from "../../../src/testing";

describe("@RateLimit", () => {
  it("records the method's quota, else the class's; false exempts a tool", () => {
    @RateLimit({ points: 5, duration: 60 })
    class S {
      @RateLimit({ points: 1, duration: 10 })
      own() {}
      inherited() {}
      @RateLimit(false)
      exempt() {}
    }
    assert.deepEqual(getRateLimit(S, "own"), { points: 1, duration: 10 });
    assert.deepEqual(getRateLimit(S, "inherited"), { points: 5, duration: 60 });
    assert.equal(getRateLimit(S, "exempt"), false);
  });

  it("reaches compiled tools, including those of a subclass", () => {
    @Server({ name: "base" })
    @RateLimit({ points: 2, duration: 30 })
    class Base {
      @Tool({ description: "a" })
      a() {}
    }
    @Server({ name: "sub" })
    class Sub extends Base {
      @Tool({ description: "b" })
      b() {}
    }
    assert.deepEqual(
      compileClass(Sub).tools.map((t) => [t.name, t.rateLimit]),
      [
        ["a", { points: 2, duration: 30 }],
        ["b", { points: 2, duration: 30 }],
      ],
    );
  });

  it("refuses anything but whole numbers ≥ 1, at decoration time", () => {
    for (const bad of [{ points: 0, duration: 1 }, { points: 1, duration: 0.5 }, { points: 1 }, {}, null, true]) {
      assert.throws(() => RateLimit(bad as never), ConfigurationError, JSON.stringify(bad));
    }
    const server = createServer({ name: "s", logger: silentLogger });
    assert.throws(() => server.add(tool({ name: "t", description: "t", rateLimit: { points: -1, duration: 1 }, run: () => "" })), /tool "t": a rate limit needs/);
    assert.throws(() => createServer({ name: "s", quotas: { default: { points: 1, duration: 0 } } }), /quotas.default/);
    assert.throws(() => createServer({ name: "s", maxInFlightPerSession: 0 }), /maxInFlightPerSession/);
  });

  it("limits a decorated server's tools per principal; quotas.default covers the rest; false exempts", async () => {
    @Server({ name: "decorated" })
    class Decorated {
      @Tool({ description: "once a minute" })
      @RateLimit({ points: 1, duration: 60 })
      once() {
        return "once";
      }
      @Tool({ description: "the server's default" })
      twice() {
        return "twice";
      }
      @Tool({ description: "exempt" })
      @RateLimit(false)
      free() {
        return "free";
      }
    }
    const server = createServer(Decorated, { logger: silentLogger, quotas: { default: { points: 2, duration: 60 } } });
    const alice = await createTestClient(server, { as: { subject: "alice" } });
    const bob = await createTestClient(server, { as: { subject: "bob" } });
    const code = (p: Promise<unknown>) => p.then(() => 0, (e: { code: number }) => e.code);
    try {
      assert.equal(await code(alice.callTool("once")), 0);
      assert.equal(await code(alice.callTool("once")), -32032);
      assert.equal(await code(bob.callTool("once")), 0);
      assert.equal(await code(alice.callTool("twice")), 0);
      assert.equal(await code(alice.callTool("twice")), 0);
      assert.equal(await code(alice.callTool("twice")), -32032);
      for (let i = 0; i < 5; i++) assert.equal(await code(alice.callTool("free")), 0);
    } finally {
      await alice.close();
      await bob.close();
      await server.close();
    }
  });
});
