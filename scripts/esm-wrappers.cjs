// Writes index.mjs next to each CommonJS entry so ESM consumers get real named exports from the same module
// instance (no dual-package hazard: the .mjs only re-exports what the .js already built).
const fs = require("node:fs");
const path = require("node:path");
require("reflect-metadata");
for (const entry of ["dist/src/index.js", "dist/src/testing/index.js"]) {
  const abs = path.resolve(entry);
  const names = Object.keys(require(abs)).filter((n) => n !== "default" && n !== "__esModule");
  const out = [
    `import cjs from "./${path.basename(entry)}";`,
    `export const { ${names.join(", ")} } = cjs;`,
    "export default cjs;",
    "",
  ].join("\n");
  fs.writeFileSync(abs.replace(/\.js$/, ".mjs"), out);
}
