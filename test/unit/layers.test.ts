import { strict as assert } from "node:assert";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { SRC, sourceFiles } from "../fixtures/source-files";

/**
 * DESIGN §7: layers, each importing only from those below it. The rank of a file is the rank of its first
 * matching prefix; a file may import its own layer or lower, never higher, and no two folders may import each
 * other (a cycle between folders of one layer is as tangled as an upward arrow).
 */
const LAYERS: [prefix: string, rank: number][] = [
  ["contracts/", 0],
  ["errors.ts", 1],
  ["runtime-errors.ts", 1],
  ["logger.ts", 1],
  ["metadata.ts", 1],
  ["schema/", 1],
  ["decorators/", 2],
  ["functional/", 2],
  ["auth/", 3],
  ["core/", 4],
  ["transport/", 5],
  ["server/", 6],
  ["testing/", 7],
  ["cli/", 7],
  ["index.ts", 7],
];


function rankOf(file: string): number {
  const rel = relative(SRC, file).replace(/\\/g, "/");
  const hit = LAYERS.find(([prefix]) => rel === prefix || rel.startsWith(prefix));
  if (!hit) throw new Error(`src/${rel} belongs to no layer: add it to LAYERS in ${__filename}`);
  return hit[1];
}

/** The folder a file belongs to for the cycle check: `auth/strategies/x.ts` → `auth`, `errors.ts` → `errors.ts`. */
const folderOf = (file: string) => relative(SRC, file).replace(/\\/g, "/").split("/")[0];

/** Relative imports and re-exports, resolved to files (`./x` → `x.ts` or `x/index.ts`). */
function localImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+"(\.[^"]+)"/g), ...text.matchAll(/(?:^|\n)\s*import\s+"(\.[^"]+)"/g)].map((m) => m[1]);
  return specs.map((spec) => {
    const base = resolve(dirname(file), spec);
    for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        /* try the next form */
      }
    }
    throw new Error(`${relative(SRC, file)} imports ${spec}, which resolves to no file`);
  });
}

describe("source layering (DESIGN §7)", () => {
  let files: string[] = [];
  let edges: { from: string; to: string }[] = [];
  before(() => {
    files = sourceFiles(SRC);
    edges = files.flatMap((from) => localImports(from).map((to) => ({ from, to })));
  });

  it("finds the source tree and its imports", () => {
    assert.ok(files.length > 40, `expected the src/ tree, found ${files.length} files`);
    assert.ok(edges.length > 100);
  });

  it("no file imports from a layer above its own", () => {
    const upward = edges
      .filter(({ from, to }) => rankOf(to) > rankOf(from))
      .map(({ from, to }) => `src/${relative(SRC, from)} (layer ${rankOf(from)}) → src/${relative(SRC, to)} (layer ${rankOf(to)})`);
    assert.deepEqual(upward, []);
  });

  it("no two folders import each other", () => {
    const pairs = new Set(edges.map(({ from, to }) => `${folderOf(from)}→${folderOf(to)}`).filter((p) => p.split("→")[0] !== p.split("→")[1]));
    const cycles = [...pairs].filter((p) => pairs.has(p.split("→").reverse().join("→"))).sort();
    assert.deepEqual(cycles, []);
  });

  it("contracts/ imports nothing of the framework's but itself", () => {
    const outward = edges.filter(({ from, to }) => folderOf(from) === "contracts" && folderOf(to) !== "contracts");
    assert.deepEqual(outward.map(({ from, to }) => `${relative(SRC, from)} → ${relative(SRC, to)}`), []);
  });
});
