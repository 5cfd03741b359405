import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  contributes: {
    keybindings: Array<{ command: string; key: string; when?: string }>; configuration: Array<{ properties: Record<string, { default?: unknown }> }> };
};
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

describe("README settings table", () => {
  it("lists every setting of package.json with its default", () => {
    const rows = new Map(
      [...readme.matchAll(/^\| `(fimLsp\.[\w.]+)` \| `([^`]*)` \|/gm)].map((row) => [row[1], JSON.parse(row[2] ?? "null") as unknown]),
    );
    const settings = Object.assign({}, ...manifest.contributes.configuration.map((category) => category.properties)) as Record<
      string,
      { default?: unknown }
    >;
    expect([...rows.keys()].sort()).toEqual(Object.keys(settings).sort());
    for (const [name, value] of rows) {
      expect(value, name).toEqual(settings[name]?.default);
    }
  });
});

describe("README keys", () => {
  it("the key it gives for asking now is the one the extension binds to the trigger", () => {
    const row = /^\| ask now, without the debounce \| `([^`]+)` \(bound by this extension\) \| `editor\.action\.inlineSuggest\.trigger` \|$/m.exec(readme);
    expect(row, "the README's row for the trigger").not.toBeNull();
    const bound = manifest.contributes.keybindings.find((binding) => binding.command === "editor.action.inlineSuggest.trigger");
    expect(bound?.key).toBe(row![1]!.toLowerCase());
    expect(bound?.when).toBe("editorTextFocus && !editorReadonly");
  });
});
