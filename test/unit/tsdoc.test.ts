import assert from "node:assert/strict";
import path from "node:path";
import ts from "typescript";

// Compiled to dist/test/unit/, so the repository root is three levels up.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const ENTRY_POINTS = ["src/index.ts", "src/testing/index.ts"];

interface PublicExport {
  entry: string;
  name: string;
  documented: boolean;
  hasExample: boolean;
  kind: string;
}

/** Every name the package's entry points export, with whether its declaration carries a TSDoc comment. */
function publicExports(): PublicExport[] {
  const program = ts.createProgram(
    ENTRY_POINTS.map((e) => path.join(ROOT, e)),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, experimentalDecorators: true, noEmit: true, skipLibCheck: true, types: [] },
  );
  const checker = program.getTypeChecker();
  return ENTRY_POINTS.flatMap((entry) => {
    const source = program.getSourceFile(path.join(ROOT, entry));
    assert.ok(source, `${entry} not found`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    assert.ok(moduleSymbol, `${entry} is not a module`);
    return checker.getExportsOfModule(moduleSymbol).map((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.getDeclarations() ?? [];
      const docs = declarations.flatMap((d) => ts.getJSDocCommentsAndTags(d));
      const tags = declarations.flatMap((d) => ts.getJSDocTags(d));
      return {
        entry,
        name: exported.getName(),
        documented: symbol.getDocumentationComment(checker).length > 0 || docs.length > 0,
        hasExample: tags.some((t) => t.tagName.text === "example"),
        kind: declarations[0] ? ts.SyntaxKind[declarations[0].kind] : "unknown",
      };
    });
  });
}

describe("TSDoc on the public surface", function () {
  this.timeout(60_000);
  let exports: PublicExport[];
  before(() => (exports = publicExports()));

  it("finds the exports of both entry points", () => {
    assert.ok(exports.filter((e) => e.entry === ENTRY_POINTS[0]).length > 40);
    assert.ok(exports.some((e) => e.entry === ENTRY_POINTS[1] && e.name === "createTestClient"));
  });

  it("every public export has a doc comment", () => {
    const undocumented = exports.filter((e) => !e.documented).map((e) => `${e.entry}: ${e.name} (${e.kind})`);
    assert.deepEqual(undocumented, [], "add a /** … */ comment to each of these declarations");
  });

  it("every exported function, class and decorator has an @example", () => {
    // The error classes share McpcraftError's example: the framework throws them, and one instanceof example covers all.
    const errors = new Set(["ConfigurationError", "AuthenticationError", "InvalidRequestError", "ForbiddenError", "InsufficientScopeError", "IdentityProviderUnavailableError", "RateLimitedError", "NotFoundError"]);
    const runtime = exports.filter((e) => (e.kind === "FunctionDeclaration" || e.kind === "ClassDeclaration") && !errors.has(e.name));
    const missing = runtime.filter((e) => !e.hasExample).map((e) => `${e.entry}: ${e.name}`);
    assert.deepEqual(missing, [], "add an @example to each of these declarations");
  });
});
