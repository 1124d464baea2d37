import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { DIST, runToExit } from "../fixtures/processes";

const FIXTURE = path.join(DIST, "test", "fixtures", "servers", "log-redaction.server.js");
const secret = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;

describe("log redaction on real pino output (the default logger, JSON lines on stderr of a child process)", () => {
  const secrets = {
    bearer: secret("bearer-"),
    apiKey: secret("sk-live-"),
    token: secret("tok-"),
    clientSecret: secret("cs-"),
    password: secret("pw-"),
    jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ${randomBytes(6).toString("hex")}.${randomBytes(8).toString("hex")}`,
    cookie: secret("sid="),
    wrongKey: secret("sk-wrong-"),
  };
  let lines: Record<string, any>[] = [];
  let stderr = "";
  before(async () => {
    const run = await runToExit(process.execPath, [FIXTURE], { SECRETS: JSON.stringify(secrets), MCPCRAFT_LOG_LEVEL: "debug" });
    stderr = run.stderr;
    assert.equal(run.code, 0, stderr);
    lines = stderr.trim().split("\n").map((l) => JSON.parse(l));
  });
  const byCase = (name: string) => {
    const line = lines.find((l) => l.case === name);
    assert.ok(line, `no "${name}" line in:\n${stderr}`);
    return line;
  };

  it("no credential appears anywhere on stderr", () => {
    for (const [name, value] of Object.entries(secrets)) assert.ok(!stderr.includes(value), `${name} leaked:\n${stderr}`);
  });

  it('ctx.log.info({ headers: { authorization: "Bearer …" } }), { token }, { apiKey } are "[redacted]"', () => {
    assert.equal(byCase("headers").headers.authorization, "[redacted]");
    assert.equal(byCase("token").token, "[redacted]");
    assert.equal(byCase("apiKey").apiKey, "[redacted]");
  });

  it("whatever the nesting, the casing or the spelling, and inside arrays", () => {
    const nested = byCase("nested");
    assert.deepEqual(nested.req.headers, { "x-api-key": "[redacted]", Cookie: "[redacted]", "user-agent": "visible-agent" });
    const deep = byCase("deep");
    assert.deepEqual(deep.config.oauth.introspection, { clientSecret: "[redacted]", client_secret: "[redacted]" });
    assert.deepEqual(deep.users, [{ name: "visible-name", password: "[redacted]" }]);
    assert.deepEqual(byCase("jwt").upstream.response.data, { access_token: "[redacted]", note: "[redacted]" });
  });

  it("a Bearer credential or a JWT is redacted under any key; ordinary fields stay", () => {
    const value = byCase("value");
    assert.equal(value.note, "[redacted]");
    assert.equal(value.Authorization, "[redacted]");
    const control = byCase("control");
    assert.equal(control.safe, "visible-control");
    assert.equal(control.tokens, 5);
  });

  it("an error object carrying a credential (an HTTP client's error with its request headers) is redacted too", () => {
    const line = byCase("error");
    assert.equal(line.err.message, "upstream failed");
    assert.equal(line.err.config.headers.Authorization, "[redacted]");
    assert.match(line.err.stack, /upstream failed/);
    assert.equal(line.wrapped.cause.token, "[redacted]");
  });

  it("the audit events reach the same log without the credential: auth.failure (warn) and auth.success (debug)", () => {
    const failure = lines.find((l) => l.event === "auth.failure");
    assert.equal(failure?.level, 40);
    assert.equal(failure.reason, "invalid_credentials");
    const success = lines.find((l) => l.event === "auth.success");
    assert.equal(success?.level, 20);
    assert.equal(success.keyId, "fixture");
    assert.equal(typeof success.time, "number");
  });
});
