import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// Compiled to dist/test/integration/, so the repository root is three levels up.
const ROOT = path.resolve(__dirname, "../../..");
const DOCS = path.join(ROOT, "docs");

/** `<!-- snippet: docs/examples/<file>.ts#<region> -->` on the line right before a ```ts fence. */
const MARKER = /^<!--\s*snippet:\s*(docs\/examples\/[\w.-]+\.ts)#([\w-]+)\s*-->\s*$/;
const REGION_START = /^\s*\/\/\s*#region\s+([\w-]+)\s*$/;
const REGION_END = /^\s*\/\/\s*#endregion\b/;
const TS_FENCE = /^```(ts|typescript)\s*$/;

/** The guides written against this convention: every TypeScript block in them must be a checked snippet. */
const STRICT_GUIDES = ["getting-started.md", "authentication.md", "testing.md", "decorators.md", "authorization.md"];

interface CodeBlock {
  doc: string;
  line: number;
  lang: string;
  code: string;
  marker?: { file: string; region: string };
}

function codeBlocks(doc: string): CodeBlock[] {
  const lines = readFileSync(path.join(DOCS, doc), "utf8").split(/\r?\n/);
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
  const docs = existsSync(DOCS) ? readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort() : [];

  it("finds the guides and their snippets", () => {
    for (const guide of STRICT_GUIDES) assert.ok(docs.includes(guide), `docs/${guide} is missing`);
    const marked = docs.flatMap(codeBlocks).filter((b) => b.marker);
    assert.ok(marked.length >= STRICT_GUIDES.length, `only ${marked.length} snippet-marked blocks found`);
  });

  for (const doc of docs) {
    describe(`docs/${doc}`, () => {
      const blocks = codeBlocks(doc);

      for (const block of blocks.filter((b) => b.marker)) {
        const { file, region: name } = block.marker!;
        it(`line ${block.line} equals ${file}#${name}`, () => {
          assert.ok(TS_FENCE.test("```" + block.lang), `${doc}:${block.line}: a snippet marker must precede a \`\`\`ts block`);
          assert.ok(existsSync(path.join(ROOT, file)), `${doc}:${block.line}: ${file} does not exist`);
          assert.equal(block.code, region(file, name), `${doc}:${block.line} drifted from ${file}#${name}; copy the region again`);
        });
      }

      if (STRICT_GUIDES.includes(doc)) {
        it("has no TypeScript block without a snippet marker", () => {
          const unmarked = blocks.filter((b) => TS_FENCE.test("```" + b.lang) && !b.marker).map((b) => `${doc}:${b.line}`);
          assert.deepEqual(unmarked, [], "put the code in docs/examples/*.ts and mark the block with <!-- snippet: file#region -->");
        });
      }
    });
  }
});
