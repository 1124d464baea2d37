import assert from "node:assert/strict";
import ts from "typescript";
import { container, injectable } from "tsyringe";
import * as sdk from "../../src";
import { ApiKeyStrategy, ConfigurationError, JwtStrategy, OAuthStrategy, createServer, silentLogger } from "../../src";

/**
 * Compiles a user's server source the way `tsc` does with the given settings and loads it, so a test can show what a
 * user with `emitDecoratorMetadata` off (or a JavaScript user) gets. `mcpcraft-sdk` resolves to this package.
 */
function load(source: string, emitDecoratorMetadata: boolean): Record<string, any> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, emitDecoratorMetadata },
  });
  const mod = { exports: {} as Record<string, any> };
  new Function("require", "module", "exports", outputText)((id: string) => (id === "mcpcraft-sdk" ? sdk : require(id)), mod, mod.exports);
  return mod.exports;
}

/** The error is a ConfigurationError whose message matches every pattern: what is wrong, where, and what to change. */
function refuses(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigurationError, `expected a ConfigurationError, got ${String(err)}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

const fresh = () => container.createChildContainer();

describe("start-up errors say what to change", () => {
  const saved = { API_KEY: process.env.API_KEY, JWT_SECRET: process.env.JWT_SECRET };
  beforeEach(() => {
    delete process.env.API_KEY;
    delete process.env.JWT_SECRET;
  });
  after(() => Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined))));

  const DTO_SERVER = `
    import { Server, Tool } from "mcpcraft-sdk"
    export class Input { a!: string }
    @Server({ name: "s" }) export class S { @Tool({ description: "d" }) go(input: Input) { return input.a } }`;

  it("emitDecoratorMetadata off: names the tool and the compiler settings, or { input }", () => {
    const { S } = load(DTO_SERVER, false);
    refuses(() => createServer(S, { container: fresh(), logger: silentLogger }), /@Tool S\.go/, /"emitDecoratorMetadata": true/, /tsx and esbuild/, /\{ input: SomeDto \}/);
  });

  it("the same source with emitDecoratorMetadata on starts (so the refusal above is about the setting)", () => {
    const { S } = load(DTO_SERVER, true);
    assert.ok(createServer(S, { container: fresh(), logger: silentLogger }));
  });

  it("emitDecoratorMetadata off and constructor injection: names the class and the settings", () => {
    const source = `
      import { Server, Tool } from "mcpcraft-sdk"
      export class Repo {}
      @Server({ name: "s" }) export class S { constructor(readonly repo: Repo) {} @Tool({ description: "d" }) go() { return "x" } }`;
    const { S } = load(source, false);
    refuses(() => createServer(S, { container: fresh(), logger: silentLogger }), /^S: its constructor takes parameters/, /"emitDecoratorMetadata": true/);
  });

  it("@Tool on a property: refused when the class is defined, naming the member and the fix", () => {
    const source = `
      import { Server, Tool } from "mcpcraft-sdk"
      @Server({ name: "s" }) export class S { @Tool({ description: "d" }) go = () => "x" }`;
    refuses(() => load(source, true), /@Tool on S\.go: not a method/, /write go\(input, @Ctx\(\) ctx\)/);
  });

  it("two tools with one name in a class: names the tool and how to rename one", () => {
    const source = `
      import { Server, Tool } from "mcpcraft-sdk"
      @Server({ name: "s" }) export class S {
        @Tool({ description: "by id" }) getUser() { return "a" }
        @Tool({ name: "get_user", description: "by name" }) findUser() { return "b" }
      }`;
    const { S } = load(source, true);
    refuses(() => createServer(S, { container: fresh(), logger: silentLogger }), /duplicate tool name "get_user"/, /rename one with @Tool\(\{ name \}\)/);
  });

  it("a bad PEM: names the option and what a PEM needs", () => {
    refuses(() => new JwtStrategy({ publicKey: "-----BEGIN PUBLIC KEY-----\\nMIIBIjANBg\\n-----END PUBLIC KEY-----" }), /JwtStrategy \(publicKey\): not a valid public key/, /BEGIN PUBLIC KEY/, /"\\n" instead/);
    refuses(() => new JwtStrategy({ keys: [{ kid: "k1", alg: "RS256", key: "not a key" }] }), /JwtStrategy \(key "k1"\): not a valid public key/);
  });

  it("a bad JWKS URL: names the option, the value and the form expected", () => {
    const base = { issuer: "https://idp.example.com", audience: "https://mcp.example.com/mcp" };
    refuses(() => new OAuthStrategy({ ...base, jwksUri: "idp.example.com/jwks" }), /jwksUri is not a valid URL \(got "idp\.example\.com\/jwks"\)/, /absolute https URL/);
    refuses(() => new OAuthStrategy({ ...base, jwksUri: "http://idp.example.com/jwks" }), /jwksUri must use https/, /loopback/);
  });

  it("no keys: names the environment variable and the option", () => {
    refuses(() => new ApiKeyStrategy(), /ApiKeyStrategy has no keys: set API_KEY/, /\{ keys: \[\.\.\.\] \}/);
    refuses(() => new JwtStrategy(), /JwtStrategy has no key: set JWT_SECRET or pass \{ secret \}/);
    @sdk.Server({ name: "s", auth: ApiKeyStrategy })
    class S {
      @sdk.Tool({ description: "d" }) go() {}
    }
    refuses(() => createServer(S, { container: fresh(), logger: silentLogger }), /ApiKeyStrategy has no keys: set API_KEY/);
  });

  it("a strategy class the container cannot build: names it and both ways to fix it", () => {
    class TeamStrategy {
      readonly name = "team";
      constructor(readonly teams: Map<string, string>) {}
      async authenticate() {
        return { subject: "x", roles: [], scopes: [], claims: {}, strategy: "team" };
      }
    }
    refuses(() => createServer({ name: "s", auth: TeamStrategy, container: fresh(), logger: silentLogger }), /auth strategy TeamStrategy could not be resolved/, /@injectable\(\)/, /container\.register\(TeamStrategy, \{ useValue: new TeamStrategy\(…\) \}\)/);
  });

  it("a strategy token nobody registered: names it and how to register it", () => {
    const TOKEN = Symbol("TeamAuth");
    refuses(() => createServer({ name: "s", auth: TOKEN, container: fresh(), logger: silentLogger }), /token Symbol\(TeamAuth\) is not registered/, /container\.register\(Symbol\(TeamAuth\), \{ useClass: MyStrategy \}\)/);
  });

  it("a class that is not a strategy: says what a strategy needs", () => {
    @injectable()
    class NotAStrategy {}
    refuses(() => createServer({ name: "s", auth: NotAStrategy as unknown as sdk.AuthSpec, container: fresh(), logger: silentLogger }), /NotAStrategy does not implement AuthStrategy \(name \+ authenticate\)/);
  });
});
