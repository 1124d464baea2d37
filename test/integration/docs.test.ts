import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  AuthenticationError,
  IdentityProviderUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  JsonRpcCode,
  RateLimitedError,
  TransportError,
  httpAnswerFor,
  type TransportErrorCode,
} from "../../src/errors";
import { rawPost, runToExit, startHttpExample, INIT } from "../fixtures/processes";

// Compiled to dist/test/integration/, so the repository root is three levels up.
const ROOT = path.resolve(__dirname, "../../..");
const DOCS = path.join(ROOT, "docs");

/** `<!-- snippet: docs/examples/<file>.ts#<region> -->` on the line right before a ```ts fence. */
const MARKER = /^<!--\s*snippet:\s*(docs\/examples\/[\w.-]+\.m?ts)#([\w-]+)\s*-->\s*$/;
const REGION_START = /^\s*\/\/\s*#region\s+([\w-]+)\s*$/;
const REGION_END = /^\s*\/\/\s*#endregion\b/;
const TS_FENCE = /^```(ts|typescript)\s*$/;

/** Guides that must exist. Every TypeScript block in README.md and in every guide must be a checked snippet. */
const STRICT_GUIDES = ["getting-started.md", "authentication.md", "testing.md", "decorators.md", "authorization.md"];
/** Markdown files whose code is checked, relative to the repository root. */
const README = "../README.md";

interface CodeBlock {
  doc: string;
  line: number;
  lang: string;
  code: string;
  marker?: { file: string; region: string };
}

function codeBlocks(doc: string): CodeBlock[] {
  const lines = readFileSync(path.resolve(DOCS, doc), "utf8").split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open || open[1] === "") continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    assert.ok(end < lines.length, `${doc}:${start + 1}: code block is never closed`);
    const marker = start > 0 ? MARKER.exec(lines[start - 1]) : null;
    blocks.push({
      doc,
      line: start + 1,
      lang: open[1],
      code: lines.slice(start + 1, end).join("\n"),
      ...(marker ? { marker: { file: marker[1], region: marker[2] } } : {}),
    });
    i = end;
  }
  return blocks;
}

/**
 * The lines between `// #region <name>` and its `// #endregion`, verbatim. Markers of other regions nested
 * inside are left out, so regions may overlap or nest.
 */
function region(file: string, name: string): string {
  const lines = readFileSync(path.join(ROOT, file), "utf8").split(/\r?\n/);
  const starts = lines.flatMap((l, i) => (REGION_START.exec(l)?.[1] === name ? [i] : []));
  assert.equal(starts.length, 1, `${file}: expected exactly one "// #region ${name}", found ${starts.length}`);
  const out: string[] = [];
  let depth = 0;
  for (let i = starts[0] + 1; i < lines.length; i++) {
    if (REGION_START.test(lines[i])) {
      depth++;
      continue;
    }
    if (REGION_END.test(lines[i])) {
      if (depth === 0) return out.join("\n");
      depth--;
      continue;
    }
    out.push(lines[i]);
  }
  assert.fail(`${file}: "// #region ${name}" has no matching "// #endregion"`);
}

describe("docs: code in the guides is the compiled code in docs/examples", () => {
  const docs = [README, ...(existsSync(DOCS) ? readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort() : [])];

  it("finds the guides and their snippets", () => {
    for (const guide of STRICT_GUIDES) assert.ok(docs.includes(guide), `docs/${guide} is missing`);
    const marked = docs.flatMap(codeBlocks).filter((b) => b.marker);
    assert.ok(marked.length >= STRICT_GUIDES.length, `only ${marked.length} snippet-marked blocks found`);
  });

  for (const doc of docs) {
    describe(path.relative(ROOT, path.resolve(DOCS, doc)), () => {
      const blocks = codeBlocks(doc);

      for (const block of blocks.filter((b) => b.marker)) {
        const { file, region: name } = block.marker!;
        it(`line ${block.line} equals ${file}#${name}`, () => {
          assert.ok(TS_FENCE.test("```" + block.lang), `${doc}:${block.line}: a snippet marker must precede a \`\`\`ts block`);
          assert.ok(existsSync(path.join(ROOT, file)), `${doc}:${block.line}: ${file} does not exist`);
          assert.equal(block.code, region(file, name), `${doc}:${block.line} drifted from ${file}#${name}; copy the region again`);
        });
      }

      it("has no TypeScript block without a snippet marker", () => {
          const unmarked = blocks.filter((b) => TS_FENCE.test("```" + b.lang) && !b.marker).map((b) => `${doc}:${b.line}`);
          assert.deepEqual(unmarked, [], "put the code in docs/examples/*.ts and mark the block with <!-- snippet: file#region -->");
      });
    });
  }
});

/**
 * The files of docs/examples/ that are whole programs (they start a server when run): each is started as the guides
 * say (`node dist/docs/examples/<file>.js`, HTTP on a free port) and must come up and answer an MCP `initialize`.
 */
describe("docs: the example programs run", function () {
  this.timeout(60_000);
  const examples = path.join(ROOT, "docs", "examples");
  const programs = readdirSync(examples).filter((f) => f.endsWith(".ts") && /require\.main === module/.test(readFileSync(path.join(examples, f), "utf8")));
  // What the examples read from the environment; nothing here is contacted at start-up (discovery is lazy).
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), "docs-examples-")), "client-key.pem");
  writeFileSync(keyFile, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }));
  const ENV = {
    API_KEY: "sk-docs-example",
    JWT_SECRET: "docs-example-secret-of-32-bytes!!",
    MCPCRAFT_LOG_LEVEL: "error",
    OAUTH_ISSUER: "http://127.0.0.1:9",
    GITHUB_CLIENT_ID: "docs-example-github",
    GITHUB_CLIENT_SECRET: "docs-example-github-secret",
    MCP_CLIENT_SECRET: "docs-example-client-secret",
    INTROSPECTION_CLIENT_SECRET: "docs-example-introspection-secret",
    MCP_CLIENT_KEY_PEM: keyFile,
    ALICE_KEY: "sk-docs-alice-0123456789",
    BOB_KEY: "sk-docs-bob-0123456789",
  };

  it("finds the programs", () => assert.ok(programs.length >= 5, programs.join(", ")));

  for (const file of programs) {
    const script = path.join(ROOT, "dist", "docs", "examples", file.replace(/\.ts$/, ".js"));
    if (!/listening on/.test(readFileSync(path.join(examples, file), "utf8"))) {
      it(`${file} runs to completion (exit code 0, output on stdout)`, async () => {
        const { code, stdout, stderr } = await runToExit(process.execPath, [script], ENV);
        assert.equal(code, 0, stderr);
        assert.notEqual(stdout.trim(), "");
      });
      continue;
    }
    it(`${file} starts and answers initialize (200, or 401 without its credential)`, async () => {
      const server = await startHttpExample(script, ENV);
      try {
        const { status, json } = await rawPost(server.url, INIT);
        assert.ok(status === 200 || status === 401, `status ${status}`);
        assert.equal(json.jsonrpc, "2.0");
      } finally {
        await server.stop();
      }
    });
  }
});

describe("docs: the example test files pass under mocha, as the guides say to run them", function () {
  this.timeout(60_000);
  const examples = path.join(ROOT, "docs", "examples");
  const files = readdirSync(examples).filter((f) => f.endsWith(".ts") && /^describe\(/m.test(readFileSync(path.join(examples, f), "utf8")));

  it("finds them", () => assert.deepEqual(files.sort(), ["first-server.test.ts", "testing.example.ts"]));

  for (const file of files) {
    const script = path.join("dist", "docs", "examples", file.replace(/\.ts$/, ".js"));
    it(`npx mocha ${script} passes`, async () => {
      const { code, stdout, stderr } = await runToExit(process.execPath, [path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js"), script], {}, 60_000, ROOT);
      assert.equal(code, 0, stdout + stderr);
      assert.match(stdout, /\b\d+ passed, 0 failed$/m);
    });
  }
});

describe("docs/troubleshooting.md covers every answer of the error table", () => {
  const text = readFileSync(path.join(ROOT, "docs", "troubleshooting.md"), "utf8");
  const httpRows = new Set([...text.matchAll(/^\| (\d{3}) \| (-\d{5}) \|/gm)].map((m) => `${m[1]} ${m[2]}`));

  it("names every JSON-RPC code the framework uses", () => {
    const missing = Object.entries(JsonRpcCode).filter(([, code]) => !text.includes(`| ${code} |`)).map(([name, code]) => `${name} (${code})`);
    assert.deepEqual(missing, []);
  });

  it("has an HTTP row for every status/code pair of src/errors.ts", () => {
    const source = readFileSync(path.join(ROOT, "src", "errors.ts"), "utf8");
    const reasons = [...source.matchAll(/^\s+(\w+): \[\d{3}, JsonRpcCode\.\w+\],$/gm)].map((m) => m[1]);
    assert.ok(reasons.length >= 10, "the transport table of src/errors.ts was not found");
    const errors: unknown[] = [
      ...reasons.map((r) => new TransportError(r as TransportErrorCode, "x")),
      new AuthenticationError(),
      new InvalidRequestError("x"),
      new InsufficientScopeError(["a"], ["a"]),
      new RateLimitedError(1),
      new IdentityProviderUnavailableError(),
      new Error("unexpected"),
    ];
    const missing = errors.map((e) => httpAnswerFor(e)).filter((a) => !httpRows.has(`${a.status} ${a.jsonRpcCode}`)).map((a) => `${a.status} ${a.jsonRpcCode}`);
    assert.deepEqual([...new Set(missing)], []);
  });
});
