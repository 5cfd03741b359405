// Bundle the extension into one CommonJS file; `vscode` is provided by the editor at run time.
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");

await esbuild.build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["vscode"],
  outfile: "dist/extension.js",
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: "warning",
});
