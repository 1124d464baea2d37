import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { httpClient, startHttpExample } from "../fixtures/processes";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..", "..");
const PKG = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const COMPILERS = { "ts5.9": path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), ts7: path.join(ROOT, "node_modules", "tsc7", "bin", "tsc") };

/**
 * A consumer project with the packed tarball unpacked into node_modules/mcpcraft-sdk (what `npm install <tgz>` puts
 * there, bin link included) and the package's dependencies linked from this repository's node_modules, so the test
 * runs offline: `npm install` would need the registry or a warm cache for every dependency.
 */
async function consumerProject(tarball: string, pkg: Record<string, unknown>): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mcpcraft-consumer-"));
  const installed = path.join(dir, "node_modules", "mcpcraft-sdk");
  mkdirSync(installed, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  for (const dep of [...Object.keys(PKG.dependencies), "@types/node"]) {
    mkdirSync(path.dirname(path.join(dir, "node_modules", dep)), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules", dep), path.join(dir, "node_modules", dep), "dir");
  }
  mkdirSync(path.join(dir, "node_modules", ".bin"));
  for (const [name, target] of Object.entries(PKG.bin as Record<string, string>)) {
    symlinkSync(path.join("..", "mcpcraft-sdk", target), path.join(dir, "node_modules", ".bin", name));
    chmodSync(path.join(installed, target), 0o755); // as npm's bin-links does on install
  }
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, ...pkg }));
  return dir;
}

/** A decorated server as a new user writes it: DTO input, constructor injection, a role, a key with that role. */
const SERVER = `
import "reflect-metadata"
import { IsString, Length } from "class-validator"
import { container, injectable } from "tsyringe"
import { ApiKeyStrategy, Ctx, RequireRole, Server, Tool, createServer, silentLogger, type ToolContext } from "mcpcraft-sdk"
import { createTestClient, MockAuthStrategy, TestIdentityProvider, signTestJwt, type SdkClient } from "mcpcraft-sdk/testing"

@injectable()
export class Greeter {
  greet(name: string): string { return "hello " + name }
}

export class GreetInput {
  @IsString() @Length(1, 20)
  name!: string
}

@Server({ name: "consumer", auth: ApiKeyStrategy })
export class ConsumerServer {
  constructor(private readonly greeter: Greeter) {}

  @Tool({ description: "Greets someone" })
  @RequireRole("user")
  greet(input: GreetInput, @Ctx() ctx: ToolContext) {
    return this.greeter.greet(input.name) + " from " + ctx.auth!.subject
  }
}

// The test kit's types must compile in the consumer too.
export const kit: unknown[] = [createTestClient, MockAuthStrategy, TestIdentityProvider, signTestJwt]
export type Peer = SdkClient

async function main(): Promise<void> {
  container.register(ApiKeyStrategy, { useValue: new ApiKeyStrategy({ keys: [{ id: "ci", key: "sk-consumer", roles: ["user"] }] }) })
  const { url } = await createServer(ConsumerServer, { container, logger: silentLogger }).listen({ port: 0 })
  console.error("listening on " + url)
}
void main()
`;

const COMPILER_OPTIONS = {
  // node16, not nodenext: with nodenext TypeScript 5.8+ lets CommonJS import ES modules' types, which hid TS1541.
  module: "node16",
  moduleResolution: "node16",
  target: "ES2022",
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: false,
  esModuleInterop: true,
  types: ["node"],
};

/**
 * A CommonJS and an ESM consumer: two package scopes (their own package.json `type`) of one consumer, compiled by one
 * program per compiler, because checking every declaration (`skipLibCheck: false`) is the slow part.
 */
const PROJECTS = { CommonJS: { dir: "cjs", type: "commonjs" }, ESM: { dir: "esm", type: "module" } };

describe("the published package", function () {
  this.timeout(180_000);
  let scratch: string;
  let tarball: string;
  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), "mcpcraft-pack-"));
    const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], { cwd: ROOT });
    tarball = path.join(scratch, JSON.parse(stdout)[0].filename);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("npm pack contains the compiled library with types, the CLI, the licence and the guides, and nothing else", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
    const must = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/src/index.js", "dist/src/index.mjs", "dist/src/index.d.ts"];
    must.push("dist/src/testing/index.js", "dist/src/testing/index.mjs", "dist/src/testing/index.d.ts", "docs/security.md", ...Object.values(PKG.bin as Record<string, string>).map((b) => b.replace(/^\.\//, "")));
    for (const file of must) assert.ok(files.includes(file), `missing ${file}`);
    const stray = files.filter((f) => /^(src|test|examples|bench|dist\/test|dist\/examples|dist\/bench|dist\/docs|node_modules|docs\/examples|docs\/api)\//.test(f) || f.endsWith(".map") || (f.endsWith(".ts") && !f.endsWith(".d.ts")));
    assert.deepEqual(stray, []);
  });

  describe("installed from the tarball", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

    it("loads from CommonJS and from ESM, both entry points, as one module instance", async () => {
      const dir = await consumerProject(tarball, {});
      dirs.push(dir);
      writeFileSync(
        path.join(dir, "cjs.cjs"),
        `const m = require("mcpcraft-sdk"); const t = require("mcpcraft-sdk/testing");
         if (typeof m.createServer !== "function" || typeof m.tool !== "function" || typeof t.createTestClient !== "function") process.exit(2);
         console.log("cjs ok");`,
      );
      writeFileSync(
        path.join(dir, "esm.mjs"),
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
      assert.equal((await run(process.execPath, ["cjs.cjs"], { cwd: dir })).stdout.trim(), "cjs ok");
      assert.equal((await run(process.execPath, ["esm.mjs"], { cwd: dir })).stdout.trim(), "hello function function");
    });

    it("loads optional libraries only when a feature needs them (start-up stays short), and the first call loads what it needs", async () => {
      const dir = await consumerProject(tarball, {});
      dirs.push(dir);
      const script = `require("mcpcraft-sdk");
        const loaded = (name) => Object.keys(require.cache).some((k) => k.includes("/node_modules/" + name + "/"));
        console.log(JSON.stringify(["class-validator", "class-validator-jsonschema", "jsonwebtoken", "jose", "rate-limiter-flexible", "ioredis"].filter(loaded)));`;
      const { stdout } = await run(process.execPath, ["-e", script], { cwd: dir });
      assert.deepEqual(JSON.parse(stdout), []);
      // A JWT server with a guide-style tool listens before jsonwebtoken and ajv load; its first call (verified: 200)
      // compiles the tool's schema.
      const listening = `require("reflect-metadata");
        const { createServer, JwtStrategy, tool, silentLogger } = require("mcpcraft-sdk");
        const loaded = (name) => Object.keys(require.cache).some((k) => k.includes("/node_modules/" + name + "/"));
        const secret = "s".repeat(32);
        const server = createServer({ name: "lazy", auth: new JwtStrategy({ secret }), logger: silentLogger });
        server.add(tool({ name: "echo", description: "e", input: { text: { type: "string", description: "t" } }, run: async ({ text }) => text }));
        server.listen({ port: 0, stateless: true }).then(async ({ url, close }) => {
          const before = ["jsonwebtoken", "ajv"].filter(loaded);
          const { signTestJwt } = require("mcpcraft-sdk/testing");
          const res = await fetch(url, { method: "POST", headers: { authorization: "Bearer " + signTestJwt({ sub: "u" }, { secret }), "content-type": "application/json", accept: "application/json, text/event-stream" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo", arguments: { text: "hi" } } }) });
          console.log(JSON.stringify({ before, status: res.status, text: await res.text(), after: ["ajv"].filter(loaded) }));
          await close();
        });`;
      const lazy = JSON.parse((await run(process.execPath, ["-e", listening], { cwd: dir })).stdout) as { before: string[]; status: number; text: string; after: string[] };
      assert.deepEqual(lazy.before, []);
      assert.equal(lazy.status, 200);
      assert.match(lazy.text, /"text":"hi"/);
      assert.deepEqual(lazy.after, ["ajv"], "the first call compiled its schema");
    });

    // Both compilers start at once, and each test waits for its own.
    const compiled = new Map<string, Promise<string>>();
    before(() => {
      for (const [compiler, tsc] of Object.entries(COMPILERS)) {
        const build = consumerProject(tarball, {}).then(async (dir) => {
          dirs.push(dir);
          for (const project of Object.values(PROJECTS)) {
            mkdirSync(path.join(dir, project.dir));
            writeFileSync(path.join(dir, project.dir, "package.json"), JSON.stringify({ type: project.type }));
            writeFileSync(path.join(dir, project.dir, "server.ts"), SERVER);
          }
          const files = Object.values(PROJECTS).map((p) => `${p.dir}/server.ts`);
          writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files }));
          await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir }).catch((err) => assert.fail(`${compiler} failed:\n${err.stdout}${err.stderr}`));
          return dir;
        });
        build.catch(() => undefined); // reported by its own tests
        compiled.set(compiler, build);
      }
    });

    for (const [label, project] of Object.entries(PROJECTS)) {
      for (const compiler of Object.keys(COMPILERS)) {
        it(`${label} (module node16, skipLibCheck off), compiled by ${compiler}: a decorated server starts and answers the SDK client`, async () => {
          const dir = await compiled.get(compiler)!;
          const server = await startHttpExample(path.join(dir, project.dir, "server.js"));
          try {
            const client = await httpClient(server.url, { "x-api-key": "sk-consumer" });
            assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ["greet"]);
            const ok = await client.callTool({ name: "greet", arguments: { name: "ada" } });
            assert.deepEqual(ok.content, [{ type: "text", text: "hello ada from apikey:ci" }]);
            // The DTO's validation runs, so design:paramtypes survived this compiler.
            const bad = await client.callTool({ name: "greet", arguments: { name: "" } });
            assert.equal(bad.isError, true);
            await client.close();
          } finally {
            await server.stop();
          }
        });
      }
    }

    it("puts the mcpcraft-sdk command on the consumer's PATH (npx mcpcraft-sdk keygen)", async () => {
      const dir = await consumerProject(tarball, {});
      dirs.push(dir);
      const { stdout } = await run(path.join(dir, "node_modules", ".bin", "mcpcraft-sdk"), ["keygen", "--json"], { cwd: dir });
      const { key, sha256 } = JSON.parse(stdout);
      assert.match(key, /^sk-/);
      assert.match(sha256, /^[0-9a-f]{64}$/);
    });
  });
});
