import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("the published package", function () {
  this.timeout(120_000);
  let consumer: string;
  before(() => {
    // A consumer project whose node_modules/mcpcraft-sdk is this package (dependencies resolve through its realpath).
    consumer = mkdtempSync(path.join(os.tmpdir(), "mcpcraft-consumer-"));
    mkdirSync(path.join(consumer, "node_modules"));
    symlinkSync(ROOT, path.join(consumer, "node_modules", "mcpcraft-sdk"), "dir");
  });
  after(() => rmSync(consumer, { recursive: true, force: true }));

  it("npm pack contains the compiled library with types and nothing else", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT });
    const files: string[] = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
    for (const must of ["package.json", "README.md", "dist/src/index.js", "dist/src/index.mjs", "dist/src/index.d.ts", "dist/src/testing/index.js", "dist/src/testing/index.mjs", "dist/src/testing/index.d.ts"])
      assert.ok(files.includes(must), `missing ${must}`);
    const stray = files.filter((f) => /^(src|test|examples|bench|dist\/test|dist\/examples|dist\/bench|node_modules)\//.test(f) || f.endsWith(".map") || f.endsWith(".ts") && !f.endsWith(".d.ts"));
    assert.deepEqual(stray, []);
  });

  it("loads from CommonJS and from ESM, both entry points, as one module instance", async () => {
    writeFileSync(
      path.join(consumer, "cjs.cjs"),
      `const m = require("mcpcraft-sdk"); const t = require("mcpcraft-sdk/testing");
       if (typeof m.createServer !== "function" || typeof m.tool !== "function" || typeof t.createTestClient !== "function") process.exit(2);
       console.log("cjs ok");`,
    );
    writeFileSync(
      path.join(consumer, "esm.mjs"),
      `import { createServer, tool, ApiKeyStrategy } from "mcpcraft-sdk";
       import { createTestClient, MockAuthStrategy } from "mcpcraft-sdk/testing";
       import { createRequire } from "node:module";
       const cjs = createRequire(import.meta.url)("mcpcraft-sdk");
       if (cjs.createServer !== createServer) process.exit(3);
       const server = createServer({ name: "esm", logger: { debug() {}, info() {}, warn() {}, error() {} } });
       server.add(tool({ name: "hi", description: "hi", input: {}, run: () => "hello" }));
       const t = await createTestClient(server);
       const r = await t.callTool("hi");
       await t.close();
       console.log(r.content[0].text, typeof ApiKeyStrategy, typeof MockAuthStrategy);`,
    );
    assert.equal((await run(process.execPath, ["cjs.cjs"], { cwd: consumer })).stdout.trim(), "cjs ok");
    assert.equal((await run(process.execPath, ["esm.mjs"], { cwd: consumer })).stdout.trim(), "hello function function");
  });

  it("type-checks for CommonJS and ESM TypeScript consumers (nodenext)", async () => {
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "ES2022", strict: true, noEmit: true, experimentalDecorators: true, emitDecoratorMetadata: true, skipLibCheck: false, types: [] }, files: ["a.cts", "b.mts"] }),
    );
    const body = `
      import { createServer, tool, Server, Tool, RequireRole, Ctx, type ToolContext, type AuthContext } from "mcpcraft-sdk";
      import { createTestClient, MockAuthStrategy } from "mcpcraft-sdk/testing";
      const s = createServer({ name: "x", authenticate: async (headers) => ({ user: { id: headers["x-user"] } }) });
      s.add(tool({ name: "t", description: "d", input: {}, run: async (_a, ctx: ToolContext) => ctx.auth?.subject ?? "" }));
      @Server({ name: "y", auth: MockAuthStrategy })
      class Y { @Tool({ description: "z" }) @RequireRole("admin") z(@Ctx() ctx: ToolContext) { return ctx.requestId; } }
      const a: AuthContext = { subject: "s", roles: [], scopes: [], claims: {}, strategy: "x" };
      export const used = [createTestClient, Y, a];
    `;
    writeFileSync(path.join(consumer, "a.cts"), body);
    writeFileSync(path.join(consumer, "b.mts"), body);
    writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer }).catch((err) => {
      assert.fail(`tsc failed:\n${err.stdout}${err.stderr}`);
    });
  });

  it("loads optional libraries only when a feature needs them (stdio start-up stays short)", async () => {
    const script = `require("mcpcraft-sdk");
      const loaded = (name) => Object.keys(require.cache).some((k) => k.includes("/node_modules/" + name + "/"));
      console.log(JSON.stringify(["class-validator", "class-validator-jsonschema", "jsonwebtoken", "jose", "rate-limiter-flexible", "ioredis"].filter(loaded)));`;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: consumer });
    assert.deepEqual(JSON.parse(stdout), []);
  });
});
