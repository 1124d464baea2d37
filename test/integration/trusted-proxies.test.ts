import assert from "node:assert/strict";
import http from "node:http";
import { ApiKeyStrategy, ConfigurationError, createServer, silentLogger, tool, type AuditEvent, type CraftServer, type HttpListenOptions } from "../../src";
import { INIT } from "../fixtures/processes";

// Issue 7 item 3: which address the failed-auth limiter and the audit log see, over real HTTP. Each test sends
// from its own loopback source address, so their budgets never meet.
const GOOD = "sk-proxy-good-0123456789abcdef";

interface Started {
  server: CraftServer;
  url: string;
  events: AuditEvent[];
}

async function start(options: HttpListenOptions): Promise<Started> {
  const events: AuditEvent[] = [];
  const server = createServer({
    name: "proxies",
    logger: silentLogger,
    onAudit: (e) => events.push(e),
    rateLimit: { points: 3, duration: 60 },
    auth: new ApiKeyStrategy({ keys: [{ id: "good", key: GOOD }] }),
  });
  server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
  const { url } = await server.listen({ port: 0, stateless: true, ...options });
  return { server, url, events };
}

/** One POST from a chosen loopback source address with the given key and extra headers (may be `[name, value]` pairs). */
function post(url: string, from: string, key: string, headers: [string, string][] = []): Promise<number> {
  const u = new URL(url);
  const body = JSON.stringify(INIT);
  const pairs: [string, string][] = [
    ["host", u.host],
    ["content-type", "application/json"],
    ["accept", "application/json, text/event-stream"],
    ["content-length", String(Buffer.byteLength(body))],
    ["x-api-key", key],
    ...headers,
  ];
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", localAddress: from, headers: pairs.flat() as unknown as http.OutgoingHttpHeaders }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const failureIps = (events: AuditEvent[]) => events.filter((e) => e.type === "auth.failure").map((e) => (e as { ip?: string }).ip);

describe("trusted proxies: the client address of the limiter and the audit log", () => {
  describe("trustProxy off (the default)", () => {
    let s: Started;
    before(async () => (s = await start({})));
    after(() => s.server.close());

    it("ignores spoofed X-Forwarded-For and Forwarded: N failures with varying claims still get 429", async () => {
      for (let i = 0; i < 3; i++) {
        const spoof: [string, string][] = [["x-forwarded-for", `203.0.113.${i + 1}`], ["forwarded", `for=198.51.100.${i + 1}`]];
        assert.equal(await post(s.url, "127.0.0.21", `sk-guess-${i}`, spoof), 401);
      }
      assert.equal(await post(s.url, "127.0.0.21", GOOD, [["x-forwarded-for", "203.0.113.99"]]), 429);
      assert.deepEqual(failureIps(s.events), ["127.0.0.21", "127.0.0.21", "127.0.0.21"]);
    });
  });

  describe('trustProxy: "loopback" (X-Forwarded-For)', () => {
    let s: Started;
    before(async () => (s = await start({ trustProxy: "loopback" })));
    after(() => s.server.close());

    it("uses the forwarded address: two clients behind one proxy have separate budgets", async () => {
      for (let i = 0; i < 3; i++) assert.equal(await post(s.url, "127.0.0.22", `sk-guess-${i}`, [["x-forwarded-for", "198.51.100.1"]]), 401);
      assert.equal(await post(s.url, "127.0.0.22", GOOD, [["x-forwarded-for", "198.51.100.1"]]), 429);
      assert.equal(await post(s.url, "127.0.0.22", GOOD, [["x-forwarded-for", "198.51.100.2"]]), 200);
      assert.deepEqual(failureIps(s.events), ["198.51.100.1", "198.51.100.1", "198.51.100.1"]);
    });

    it("walks past trusted hops only: an untrusted address before a loopback hop is the client", async () => {
      s.events.length = 0;
      assert.equal(await post(s.url, "127.0.0.22", "sk-guess-x", [["x-forwarded-for", "192.0.2.50, 198.51.100.3, 127.0.0.9"]]), 401);
      assert.deepEqual(failureIps(s.events), ["198.51.100.3"]);
    });

    it("ignores Forwarded when the proxy is said to write X-Forwarded-For", async () => {
      s.events.length = 0;
      assert.equal(await post(s.url, "127.0.0.22", "sk-guess-y", [["forwarded", "for=192.0.2.77"], ["x-forwarded-for", "198.51.100.4"]]), 401);
      assert.deepEqual(failureIps(s.events), ["198.51.100.4"]);
    });
  });

  describe("trustProxy: 1 (a hop count)", () => {
    let s: Started;
    before(async () => (s = await start({ trustProxy: 1 })));
    after(() => s.server.close());

    it("trusts only that many hops: what the client prepended is ignored", async () => {
      for (let i = 0; i < 3; i++) assert.equal(await post(s.url, "127.0.0.23", `sk-guess-${i}`, [["x-forwarded-for", `10.0.0.${i + 1}, 198.51.100.5`]]), 401);
      assert.equal(await post(s.url, "127.0.0.23", GOOD, [["x-forwarded-for", "10.0.0.99, 198.51.100.5"]]), 429);
      assert.deepEqual(failureIps(s.events), ["198.51.100.5", "198.51.100.5", "198.51.100.5"]);
    });
  });

  describe("trustProxy: 2", () => {
    let s: Started;
    before(async () => (s = await start({ trustProxy: 2 })));
    after(() => s.server.close());

    it("reads one hop further", async () => {
      assert.equal(await post(s.url, "127.0.0.24", "sk-guess", [["x-forwarded-for", "10.0.0.1, 198.51.100.6, 198.51.100.200"]]), 401);
      assert.deepEqual(failureIps(s.events), ["198.51.100.6"]);
    });
  });

  describe('forwardedHeader: "forwarded" (RFC 7239)', () => {
    let s: Started;
    before(async () => (s = await start({ trustProxy: ["loopback"], forwardedHeader: "forwarded" })));
    after(() => s.server.close());

    it("uses for= (quoted IPv6 with a port too) and ignores X-Forwarded-For", async () => {
      for (let i = 0; i < 3; i++)
        assert.equal(await post(s.url, "127.0.0.25", `sk-guess-${i}`, [["forwarded", 'for="[2001:db8::7]:4711";proto=https'], ["x-forwarded-for", `203.0.113.${i + 1}`]]), 401);
      assert.equal(await post(s.url, "127.0.0.25", GOOD, [["forwarded", 'for="[2001:db8::7]:4711"']]), 429);
      assert.equal(await post(s.url, "127.0.0.25", GOOD, [["forwarded", "for=192.0.2.8"]]), 200);
      assert.deepEqual(failureIps(s.events), ["2001:db8::7", "2001:db8::7", "2001:db8::7"]);
    });

    it("a client's unclosed quote cannot swallow the element its proxy appended", async () => {
      s.events.length = 0;
      assert.equal(await post(s.url, "127.0.0.25", "sk-guess-q", [["forwarded", 'for="6.6.6.6, for=198.51.100.9']]), 401);
      assert.equal(await post(s.url, "127.0.0.25", "sk-guess-r", [["forwarded", 'for=6.6.6.6;x=", for=198.51.100.10']]), 401);
      assert.deepEqual(failureIps(s.events), ["198.51.100.9", "198.51.100.10"]);
    });

    it("an element without a usable for= stands for the last trusted hop", async () => {
      s.events.length = 0;
      assert.equal(await post(s.url, "127.0.0.25", "sk-guess-u", [["forwarded", "for=unknown"]]), 401);
      assert.equal(await post(s.url, "127.0.0.25", "sk-guess-h", [["forwarded", "for=_hidden, proto=https"]]), 401);
      assert.deepEqual(failureIps(s.events), ["127.0.0.25", "127.0.0.25"]);
    });
  });

  it("refuses a trustProxy it cannot read at start-up, for listen() and handler() alike", async () => {
    const server = createServer({ name: "bad-proxy", logger: silentLogger, auth: new ApiKeyStrategy({ keys: [GOOD] }) });
    server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
    assert.throws(() => server.handler({ trustProxy: ["not-an-address"] }), ConfigurationError);
    assert.throws(() => server.handler({ trustProxy: -1 }), ConfigurationError);
    await assert.rejects(server.listen({ port: 0, trustProxy: [] }), ConfigurationError);
    await server.close();
  });
});
