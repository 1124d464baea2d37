import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { SRC, sourceFiles } from "../fixtures/source-files";

/** The house rules of the issue tracker, kept by a test so a long file or function cannot slip in unnoticed. */
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;

describe("house rules for src/", () => {
  it(`no file is longer than ${MAX_FILE_LINES} lines`, () => {
    const long = sourceFiles(SRC)
      .map((f) => ({ f: relative(SRC, f), lines: readFileSync(f, "utf8").split("\n").length }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(({ f, lines }) => `src/${f}: ${lines} lines`);
    assert.deepEqual(long, []);
  });

  it(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = source.getLineAndCharacterOfPosition(node.end).line;
          const name = "name" in node && node.name ? node.name.getText() : "(anonymous)";
          if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`src/${relative(SRC, file)}:${start + 1} ${name}: ${end - start + 1} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(long, []);
  });
});
