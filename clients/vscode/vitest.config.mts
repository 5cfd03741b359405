import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // the editor provides `vscode` at run time; unit tests get a small fake of it
    alias: { vscode: fileURLToPath(new URL("./test/unit/vscode.mock.ts", import.meta.url)) },
  },
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
  },
});
