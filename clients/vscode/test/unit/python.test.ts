import { describe, expect, it } from "vitest";
import { type Candidate, type Probe, activeInterpreter, parseVersion, pickPython } from "../../src/python";

const versions: Record<string, [number, number] | string> = {
  "/a/python": [3, 10],
  "/b/python3": [3, 11],
  "/c/python3": [4, 0],
  "/broken/python": "exit code 1",
};
const probe: Probe = async (command) => {
  const said = versions[command] ?? "ENOENT";
  return typeof said === "string" ? { error: said } : { version: said };
};

describe("pickPython", () => {
  it.each<[string[], string | undefined]>([
    [["/b/python3"], "/b/python3"],
    [["/a/python", "/b/python3"], "/b/python3"],
    [["/broken/python", "/c/python3"], "/c/python3"],
    [["/a/python", "/broken/python"], undefined],
    [[], undefined],
  ])("among %j takes %s", async (commands, expected) => {
    const picked = await pickPython(commands.map((command) => ({ command, from: command })), probe);
    expect(picked.ok ? picked.command : undefined).toBe(expected);
  });

  it("asks each interpreter once, and names every one it passed over", async () => {
    const asked: string[] = [];
    const candidates: Candidate[] = [
      { command: undefined, from: "the Python extension's interpreter" },
      { command: "/a/python", from: "python3 on PATH" },
      { command: "/a/python", from: "python on PATH" },
    ];
    const picked = await pickPython(candidates, async (command) => {
      asked.push(command);
      return probe(command);
    });
    expect(asked).toEqual(["/a/python"]);
    expect(picked).toEqual({
      ok: false,
      reason:
        "the server bundled with the extension needs Python 3.11 or newer, and none was found " +
        "(the Python extension's interpreter: none; python3 on PATH (/a/python) is Python 3.10). " +
        "Install Python 3.11+ (or choose one in the Python extension), or set fimLsp.server.command",
    });
  });
});

describe("activeInterpreter (the Python extension's API)", () => {
  const api = (fsPath: string | undefined) => ({
    environments: {
      getActiveEnvironmentPath: (resource: unknown) => ({ path: `env-for-${String(resource)}` }),
      resolveEnvironment: async (environment: { path: string }) =>
        environment.path === "env-for-/ws" ? { executable: { uri: fsPath === undefined ? undefined : { fsPath } } } : undefined,
    },
  });

  it("resolves the active environment of the resource to its executable", async () => {
    expect(await activeInterpreter(api("/ws/.venv/bin/python"), "/ws")).toBe("/ws/.venv/bin/python");
  });

  it.each([
    ["an environment without an executable", api(undefined), "/ws"],
    ["an environment it cannot resolve", api("/x"), "/elsewhere"],
    ["an API without environments (an old Python extension)", { environment: {} }, "/ws"],
    ["no API at all", undefined, "/ws"],
  ])("is undefined for %s", async (_, given, resource) => {
    expect(await activeInterpreter(given, resource)).toBeUndefined();
  });
});

describe("parseVersion", () => {
  it.each<[string, [number, number] | undefined]>([
    ["3.11\n", [3, 11]],
    ["3.13", [3, 13]],
    ["Python 3.11.2", undefined],
    ["", undefined],
  ])("%j is %j", (output, expected) => {
    expect(parseVersion(output)).toEqual(expected);
  });
});
