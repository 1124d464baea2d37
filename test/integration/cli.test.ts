import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";
import { ApiKeyStrategy, JwtStrategy } from "../../src";
import { runToExit } from "../fixtures/processes";

// Compiled to dist/test/integration/; the CLI is dist/src/cli/main.js.
const CLI = path.resolve(__dirname, "..", "..", "src", "cli", "main.js");
const cli = (args: string[], env: Record<string, string> = {}) => runToExit(process.execPath, [CLI, ...args], env);

describe("the mcpcraft-sdk command", () => {
  describe("keygen", () => {
    it("prints a new key and the sha256 digest that ApiKeyStrategy accepts for it", async () => {
      const { code, stdout } = await cli(["keygen", "--id", "ci"]);
      assert.equal(code, 0);
      const key = /^\s+(sk-[A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1];
      const digest = /^\s+([0-9a-f]{64})$/m.exec(stdout)?.[1];
      assert.ok(key && digest, stdout);
      assert.equal(createHash("sha256").update(key).digest("hex"), digest);
      assert.ok(stdout.includes(`{ id: "ci", sha256: "${digest}", roles: [] }`), stdout);
      assert.ok(stdout.includes(`API_KEY=ci:${key}`), stdout);
      const strategy = new ApiKeyStrategy({ keys: [{ id: "ci", sha256: digest, roles: ["deployer"] }] });
      const auth = await strategy.authenticate({ headers: { "x-api-key": key }, transport: "http" });
      assert.deepEqual([auth.subject, auth.roles], ["apikey:ci", ["deployer"]]);
    });

    it("gives a different key each time, and JSON with --json", async () => {
      const [a, b] = await Promise.all([cli(["keygen", "--json"]), cli(["keygen", "--json"])]);
      const [ka, kb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
      assert.notEqual(ka.key, kb.key);
      assert.equal(ka.id, "default");
      assert.equal(createHash("sha256").update(ka.key).digest("hex"), ka.sha256);
    });
  });

  describe("token", () => {
    const secret = "a-test-secret-of-thirty-two-bytes!!";

    it("signs an HS256 JWT that JwtStrategy accepts, with the claims asked for", async () => {
      const args = ["token", "--secret", secret, "--sub", "svc:billing", "--aud", "mcp", "--iss", "ci", "--expires-in", "5m", "--roles", "billing,reader", "--scope", "invoices:read"];
      const { code, stdout, stderr } = await cli(args);
      assert.equal(code, 0, stderr);
      const token = stdout.trim();
      const [header, payload] = token.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url").toString()));
      assert.equal(header.alg, "HS256");
      assert.equal(payload.exp - payload.iat, 300);
      const strategy = new JwtStrategy({ secret, algorithms: ["HS256"], audience: "mcp", issuer: "ci" });
      const auth = await strategy.authenticate({ headers: { authorization: `Bearer ${token}` }, transport: "http" });
      assert.deepEqual([auth.subject, auth.roles, auth.scopes], ["svc:billing", ["billing", "reader"], ["invoices:read"]]);
    });

    it("reads the secret from JWT_SECRET and defaults to a 15-minute token", async () => {
      const { code, stdout } = await cli(["token", "--sub", "svc:a"], { JWT_SECRET: secret });
      assert.equal(code, 0);
      const payload = JSON.parse(Buffer.from(stdout.trim().split(".")[1], "base64url").toString());
      assert.equal(payload.exp - payload.iat, 900);
      const auth = await new JwtStrategy({ secret, algorithms: ["HS256"] }).authenticate({ headers: { authorization: `Bearer ${stdout.trim()}` }, transport: "http" });
      assert.equal(auth.subject, "svc:a");
    });

    it("refuses without a subject or a secret, naming the missing option, and prints nothing on stdout", async () => {
      const noSub = await cli(["token", "--secret", secret]);
      assert.deepEqual([noSub.code, noSub.stdout], [2, ""]);
      assert.match(noSub.stderr, /--sub is required/);
      const noSecret = await cli(["token", "--sub", "x"]);
      assert.equal(noSecret.code, 2);
      assert.match(noSecret.stderr, /--secret \(or JWT_SECRET\) is required/);
    });
  });

  it("answers an unknown command or option with the usage and exit code 2", async () => {
    const unknown = await cli(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"[\s\S]*mcpcraft-sdk keygen/);
    const badOption = await cli(["keygen", "--length", "9"]);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /--length/);
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /mcpcraft-sdk token --secret/);
  });
});
