import assert from "node:assert/strict";
import net from "node:net";
import { ApiKeyStrategy, ConfigurationError, createServer, silentLogger, tool, type CraftServer, type HttpListenOptions } from "../../src";
import { capture, rawRequest, waitFor, type Capture } from "../fixtures/oauth";
import { INIT } from "../fixtures/processes";

// Issue 7 item 8, tried as an attacker would: slow-loris and silent sockets, a connection flood, a client that
// drops mid-body. Small configured timeouts keep the tests short; every wait is on a socket event or a condition.
const KEY = "sk-sockets-0123456789abcdef";
const auth = { "x-api-key": KEY };

async function start(options: HttpListenOptions, cap?: Capture): Promise<{ server: CraftServer; url: string; port: number }> {
  const server = createServer({ name: "sockets", logger: cap?.logger ?? silentLogger, rateLimit: false, auth: new ApiKeyStrategy({ keys: [KEY] }) });
  server.add(
    tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }),
    tool({
      name: "slow",
      description: "answers after `ms` milliseconds",
      input: { ms: { type: "number" } },
      run: ({ ms }) => new Promise((resolve) => setTimeout(() => resolve("finally"), ms as number)),
    }),
  );
  const { url, port } = await server.listen({ port: 0, ...options });
  return { server, url, port };
}

/** A raw socket to the server; resolves once connected. */
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

const closed = (socket: net.Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));

describe("socket bounds of listen(): timeouts and a connection cap", () => {
  describe("with small timeouts", () => {
    let server: CraftServer;
    let url: string;
    let port: number;
    before(async () => ({ server, url, port } = await start({ stateless: true, timeouts: { headersMs: 300, requestMs: 1000 } })));
    after(() => server.close());

    it("closes a slow-loris socket (one header byte every 500 ms) after the headers timeout", async () => {
      const socket = await connect(port);
      socket.on("error", () => {});
      const header = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Api-Key: ${KEY}\r\n\r\n`;
      let sent = 0;
      let answer = "";
      socket.on("data", (d) => (answer += d));
      const drip = () => {
        if (!socket.destroyed && sent < header.length) socket.write(header[sent++]);
      };
      drip();
      const timer = setInterval(drip, 500);
      try {
        await closed(socket);
      } finally {
        clearInterval(timer);
      }
      assert.ok(sent < header.length, "the server closed the socket before the headers were complete");
      assert.match(answer, /^HTTP\/1\.1 408/);
    });

    it("closes sockets that never send a byte", async () => {
      const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(port)));
      const answers = sockets.map(() => "");
      sockets.forEach((s, i) => s.on("data", (d) => (answers[i] += d)));
      await Promise.all(sockets.map(closed));
      for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 408/);
    });

    it("does not cut a tool call that runs longer than the request timeout: it applies only while receiving", async () => {
      const res = await rawRequest(url, { headers: auth, body: { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "slow", arguments: { ms: 1500 } } } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json.result.content, [{ type: "text", text: "finally" }]);
    });
  });

  it("keeps an SSE GET stream open well past the request timeout", async () => {
    const { server, url } = await start({ timeouts: { headersMs: 200, requestMs: 300 }, keepAliveMs: 100 });
    const controller = new AbortController();
    try {
      const init = await rawRequest(url, { headers: auth, body: INIT });
      const session = String(init.headers["mcp-session-id"]);
      const stream = await fetch(url, { headers: { ...auth, accept: "text/event-stream", "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" }, signal: controller.signal });
      assert.equal(stream.status, 200);
      const opened = Date.now();
      const reader = stream.body!.getReader();
      // Keep-alive comments arrive every 100 ms for as long as the stream lives: read until one comes 1 s in.
      for (;;) {
        const { done } = await reader.read();
        assert.equal(done, false, "the stream ended");
        if (Date.now() - opened > 1000) break;
      }
    } finally {
      controller.abort();
      await server.close();
    }
  });

  it("closes connections above maxConnections and serves again once there is room", async () => {
    const cap = capture();
    const { server, url, port } = await start({ stateless: true, maxConnections: 2, timeouts: { idleMs: 60_000 } }, cap);
    try {
      // Two kept-alive sockets that were served, so the server has surely counted them.
      const held = await Promise.all([connect(port), connect(port)]);
      await Promise.all(
        held.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.once("data", () => resolve());
              s.write("GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            }),
        ),
      );
      const extra = await connect(port);
      extra.on("error", () => {});
      let answered = false;
      extra.on("data", () => (answered = true));
      extra.write("GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await closed(extra);
      assert.equal(answered, false, "the socket over the cap got no answer");
      const warned = await waitFor("the cap to be reported", () => cap.lines.find((l) => l.includes("http.connections_capped")));
      assert.deepEqual({ ...JSON.parse(warned), msg: undefined }, { level: "warn", event: "http.connections_capped", maxConnections: 2, dropped: 1, msg: undefined });
      held.forEach((s) => s.destroy());
      await waitFor("a served request once the held sockets are gone", async () => (await rawRequest(url, { headers: auth, body: INIT })).status === 200);
    } finally {
      await server.close();
    }
  });

  it("logs a client that drops mid-body at debug, never at error", async () => {
    const cap = capture();
    const { server, port, url } = await start({ stateless: true }, cap);
    try {
      const socket = await connect(port);
      // `Expect: 100-continue`: node:http answers 100 once the handler has the request, so the body is being read.
      const headers = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nX-Api-Key: ${KEY}\r\nContent-Length: 400\r\nExpect: 100-continue\r\n\r\n`;
      const proceed = new Promise<void>((resolve) => socket.once("data", () => resolve()));
      socket.write(headers);
      await proceed;
      socket.write('{"jsonrpc":"2.0","id":1,', () => socket.destroy());
      await waitFor("the abort to be logged", () => cap.lines.some((l) => l.includes("http.client_aborted")));
      const line = JSON.parse(cap.lines.find((l) => l.includes("http.client_aborted"))!);
      assert.equal(line.level, "debug");
      assert.deepEqual(cap.lines.filter((l) => JSON.parse(l).level === "error"), []);
      assert.equal((await rawRequest(url, { headers: auth, body: INIT })).status, 200);
    } finally {
      await server.close();
    }
  });

  it("refuses timeouts and caps it cannot use, at listen()", async () => {
    for (const bad of [{ timeouts: { headersMs: 5000, requestMs: 1000 } }, { timeouts: { idleMs: 0 } }, { maxConnections: 0 }, { timeouts: { headersMs: Number.NaN } }] as HttpListenOptions[])
      await assert.rejects(start(bad), ConfigurationError, JSON.stringify(bad));
  });
});
