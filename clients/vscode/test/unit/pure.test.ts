import { describe, expect, it } from "vitest";
import { type CommandContext, expand, isPython, resolveCommand } from "../../src/command";
import { KEY_VARIABLE, PROVIDERS, cleanKey, keyChoices, keyRequired, secretName, serverEnv } from "../../src/keys";
import { parseServerLine } from "../../src/log";
import { SERVER_KEYS, USER_KEYS, answerConfiguration, enableTarget, enableWrite, explicitValue, serverSection } from "../../src/settings";
import { look, parseStatus } from "../../src/status";

function context(files: string[], extra: Partial<CommandContext> = {}): CommandContext {
  return {
    env: { PATH: "/usr/bin:/opt/tools/bin" },
    platform: "linux",
    home: "/home/u",
    workspaceFolder: "/ws",
    isExecutable: (file) => files.includes(file),
    ...extra,
  };
}

describe("resolveCommand", () => {
  it.each([
    ["fim-lsp", [], ["/opt/tools/bin/fim-lsp"], { command: "/opt/tools/bin/fim-lsp", args: [] }],
    ["/venv/bin/python", [], ["/venv/bin/python"], { command: "/venv/bin/python", args: ["-m", "fim_lsp"] }],
    ["python3.12", ["--log-level", "DEBUG"], ["/usr/bin/python3.12"], { command: "/usr/bin/python3.12", args: ["-m", "fim_lsp", "--log-level", "DEBUG"] }],
    ["python3", ["-m", "other"], ["/usr/bin/python3"], { command: "/usr/bin/python3", args: ["-m", "other"] }],
    ["~/.local/bin/fim-lsp", [], ["/home/u/.local/bin/fim-lsp"], { command: "/home/u/.local/bin/fim-lsp", args: [] }],
    ["${workspaceFolder}/.venv/bin/fim-lsp", [], ["/ws/.venv/bin/fim-lsp"], { command: "/ws/.venv/bin/fim-lsp", args: [] }],
    [".venv/bin/python", [], ["/ws/.venv/bin/python"], { command: "/ws/.venv/bin/python", args: ["-m", "fim_lsp"] }],
    ["", [], ["/usr/bin/fim-lsp"], { command: "/usr/bin/fim-lsp", args: [] }],
  ])("%s %j finds the server", (setting, args, files, expected) => {
    expect(resolveCommand(setting, args, context(files))).toEqual({ ok: true, ...expected });
  });

  it("says when a bare name is not on PATH", () => {
    expect(resolveCommand("fim-lsp", [], context([]))).toEqual({
      ok: false,
      command: "fim-lsp",
      reason: 'the server command "fim-lsp" was not found on PATH',
    });
  });

  it("says when a path does not exist", () => {
    const resolved = resolveCommand("/nope/fim-lsp", [], context([]));
    expect(resolved.ok).toBe(false);
    expect(!resolved.ok && resolved.reason).toContain("does not exist or is not executable");
  });

  it("uses PATHEXT on Windows", () => {
    const ctx = context(["C:\\py\\fim-lsp.exe"], { platform: "win32", env: { Path: "C:\\py", PATHEXT: ".EXE;.CMD" } });
    // path.join is POSIX on the test machine; the lookup logic is what is checked
    const found = resolveCommand("fim-lsp", [], { ...ctx, isExecutable: (f) => f.endsWith("fim-lsp.exe") });
    expect(found.ok && found.command.endsWith("fim-lsp.exe")).toBe(true);
  });

  it("recognises Python interpreters only by their name", () => {
    expect(["python", "python3", "python3.11", "/x/python.exe", "pythonw.exe"].map(isPython)).toEqual([true, true, true, true, true]);
    expect(["fim-lsp", "ipython", "python-config", "/python/fim-lsp"].map(isPython)).toEqual([false, false, false, false]);
  });

  it("expands ${env:NAME} and leaves ${workspaceFolder} when there is none", () => {
    expect(expand("${env:TOOLS}/fim-lsp", context([], { env: { TOOLS: "/t" } }))).toBe("/t/fim-lsp");
    expect(expand("${workspaceFolder}/x", context([], { workspaceFolder: undefined }))).toBe("${workspaceFolder}/x");
  });
});

describe("keys", () => {
  it("puts each stored key only under its provider's variable, over an inherited one", () => {
    const env = serverEnv({ PATH: "/bin", MISTRAL_API_KEY: "from-shell", UNSET: undefined }, { mistral: "stored-m" });
    expect(env).toEqual({ PATH: "/bin", MISTRAL_API_KEY: "stored-m" });
    expect(serverEnv({}, { codestral: "stored-c" })).toEqual({ CODESTRAL_API_KEY: "stored-c" });
    expect(serverEnv({ CODESTRAL_API_KEY: "shell" }, {})).toEqual({ CODESTRAL_API_KEY: "shell" });
  });

  it.each([
    ["  abc  ", "abc"],
    ['"abc"', "abc"],
    ["'abc'", "abc"],
    ["", undefined],
    ["   ", undefined],
    [undefined, undefined],
  ])("cleans a pasted key %j", (input, expected) => {
    expect(cleanKey(input)).toBe(expected);
  });

  it("names secrets and variables per provider", () => {
    expect(secretName("codestral")).toBe("fimLsp.apiKey.codestral");
    expect(KEY_VARIABLE).toEqual({
      mistral: "MISTRAL_API_KEY",
      codestral: "CODESTRAL_API_KEY",
      ollama: "OLLAMA_API_KEY",
      llamacpp: "LLAMA_API_KEY",
      openai: "OPENAI_API_KEY",
    });
    expect(PROVIDERS.filter(keyRequired)).toEqual(["mistral", "codestral"]);
  });

  it.each([
    ["mistral", ["mistral"]],
    ["ollama", ["ollama"]],
    ["openai", ["openai"]],
    ["auto", ["mistral", "codestral"]],
    [undefined, ["mistral", "codestral"]],
    ["toString", ["mistral", "codestral"]],
  ])("Set API Key for provider %j offers %j", (setting, offered) => {
    expect(keyChoices(setting)).toEqual(offered);
  });
});

describe("settings", () => {
  it("sends only what the user set, most specific scope first, and no client-only keys", () => {
    const inspected: Record<string, object> = {
      maxTokens: { globalValue: 64, workspaceValue: 32 },
      model: { globalValue: "codestral-2508" },
      provider: {},
      "server.command": { globalValue: "/x/fim-lsp" },
      disabledLanguages: { workspaceFolderValue: ["markdown"], globalValue: [] },
      topP: { globalValue: null },
    };
    expect(serverSection((key) => inspected[key])).toEqual({
      maxTokens: 32,
      model: "codestral-2508",
      disabledLanguages: ["markdown"],
      topP: null,
    });
  });

  it("forwards every server setting (the generated list)", () => {
    expect(SERVER_KEYS).toHaveLength(31);
    expect(SERVER_KEYS).toEqual(expect.arrayContaining(["exclude", "redactSecrets", "respectGitignore", "allowHttp", "prefetch", "triggerMode", "suggestions", "workspaceDefinitions"]));
    expect(explicitValue("model", undefined)).toBeUndefined();
  });

  it("takes where the key and the code go from user settings only, never from a workspace", () => {
    const inspected: Record<string, object> = {
      baseUrl: { workspaceValue: "https://elsewhere.example", globalValue: "http://127.0.0.1:8080" },
      provider: { workspaceFolderValue: "openai" },
      model: { workspaceValue: "theirs" },
      allowHttp: { workspaceValue: true },
      exclude: { workspaceValue: ["secrets/**"] },
    };
    expect(serverSection((key) => inspected[key])).toEqual({ baseUrl: "http://127.0.0.1:8080", exclude: ["secrets/**"] });
    expect(USER_KEYS).toEqual(["server.command", "server.args", "provider", "model", "baseUrl", "allowHttp"]);
  });

  it.each([
    [undefined, "global"],
    [{ globalValue: false }, "global"],
    [{ workspaceValue: false }, "workspace"],
    [{ workspaceFolderValue: true, workspaceValue: false }, "workspaceFolder"],
  ])("writes a toggle where enable is set: %j", (found, target) => {
    expect(enableTarget(found)).toBe(target);
  });

  it.each([
    ["off, nothing set", { defaultValue: true }, false, { target: "global", value: false }],
    ["on again: the user's value goes", { defaultValue: true, globalValue: false }, true, { target: "global", value: undefined }],
    ["on in a workspace over the user's off", { defaultValue: true, globalValue: false, workspaceValue: false }, true, { target: "workspace", value: true }],
    ["on in a workspace over nothing", { defaultValue: true, workspaceValue: false }, true, { target: "workspace", value: undefined }],
    ["off in a folder over a workspace's off", { defaultValue: true, workspaceValue: false, workspaceFolderValue: true }, false, { target: "workspaceFolder", value: undefined }],
    ["no inspection: the default is on", undefined, true, { target: "global", value: undefined }],
  ] as const)("a toggle writes only what changes something: %s", (_, found, wanted, written) => {
    expect(enableWrite(found, wanted)).toEqual(written);
  });

  it("answers workspace/configuration with our section and keeps other items", () => {
    const answer = answerConfiguration([{ section: "fimLsp" }, { section: "editor" }], [{ all: 1 }, { tabSize: 4 }], () => ({ model: "m" }));
    expect(answer).toEqual([{ model: "m" }, { tabSize: 4 }]);
    expect(answerConfiguration([{ section: "fimLsp" }], null, () => ({}))).toBeNull();
  });
});

describe("status", () => {
  it.each([
    [{ phase: "running", status: { kind: "normal", busy: false, message: "ready" } }, "$(check) fim-lsp", /^fim-lsp: ready/, undefined, "toggle"],
    [{ phase: "running", status: { kind: "normal", busy: true, message: "ready" } }, "$(sync~spin) fim-lsp", /^fim-lsp: working/, undefined, "toggle"],
    [{ phase: "running", status: { kind: "error", busy: false, message: "key rejected (401)" } }, "$(error) fim-lsp", /^fim-lsp error: key rejected \(401\)$/, "error", "showLog"],
    [{ phase: "running", status: { kind: "warning", busy: false, message: "slow" } }, "$(warning) fim-lsp", /^fim-lsp warning: slow$/, "warning", "showLog"],
    [{ phase: "running", status: { kind: "inactive", busy: false, message: "disabled" } }, "$(circle-slash) fim-lsp", /^fim-lsp: disabled; click/, undefined, "toggle"],
    [{ phase: "starting" }, "$(loading~spin) fim-lsp", /starting/, undefined, "showLog"],
    [{ phase: "failed", message: "not found" }, "$(error) fim-lsp", /^fim-lsp: not found$/, "error", "showLog"],
    [{ phase: "stopped" }, "$(debug-stop) fim-lsp", /stopped/, "warning", "showLog"],
  ] as const)("%j looks right", (state, text, label, tone, click) => {
    const shown = look(state);
    expect(shown.text).toBe(text);
    expect(shown.label).toMatch(label);
    expect(shown.tone).toBe(tone);
    expect(shown.click).toBe(click);
  });

  it("a missing key shows VS Code's way to set one, and a click sets it", () => {
    const named = look({
      phase: "running",
      status: { kind: "error", busy: false, message: "MISTRAL_API_KEY is not set. …in the environment…", code: "missingKey", provider: "mistral", keyVariable: "MISTRAL_API_KEY" },
    });
    expect(named).toEqual({
      text: "$(key) fim-lsp",
      label: 'fim-lsp: no API key for mistral (MISTRAL_API_KEY). Set one with "fim-lsp: Set API Key"; VS Code keeps it in its secret storage. Click to set it.',
      tone: "error",
      click: "setKey",
    });
    const auto = look({ phase: "running", status: { kind: "error", busy: false, message: "no provider is set up", code: "missingKey", provider: "auto" } });
    expect(auto.label).toMatch(/^fim-lsp: no API key, and no local model answered\. Set a Mistral or Codestral key with "fim-lsp: Set API Key"/);
    expect(auto.label).not.toMatch(/environment/);
    expect(look({ phase: "running", status: { kind: "inactive", busy: false, message: "disabled", code: "missingKey" } }).click).toBe("toggle");
  });

  it("reads the code of a status and the key it names; other fields' types are checked", () => {
    expect(parseStatus({ kind: "error", message: "m", code: "missingKey", provider: "codestral", keyVariable: "CODESTRAL_API_KEY" })).toEqual({
      kind: "error",
      busy: false,
      message: "m",
      code: "missingKey",
      provider: "codestral",
      keyVariable: "CODESTRAL_API_KEY",
    });
    expect(parseStatus({ kind: "error", message: "m", code: 7, provider: null })).toEqual({ kind: "error", busy: false, message: "m" });
  });

  it.each([null, 1, {}, { kind: "bogus" }, { kind: 3 }])("ignores malformed params %j", (params) => {
    expect(parseStatus(params)).toBeUndefined();
  });

  it("reads well-formed params, defaulting busy and message", () => {
    expect(parseStatus({ kind: "error", busy: true, message: "m" })).toEqual({ kind: "error", busy: true, message: "m" });
    expect(parseStatus({ kind: "normal" })).toEqual({ kind: "normal", busy: false, message: "" });
  });
});

describe("server log lines", () => {
  it.each([
    ["2026-11-25 19:10:37,486 INFO fim_lsp.app: client x", "info", "fim_lsp.app: client x"],
    ["2026-11-25 19:10:37,486 WARNING fim_lsp.engine: slow", "warn", "fim_lsp.engine: slow"],
    ["2026-11-25 19:10:37,486 DEBUG asyncio: y", "debug", "asyncio: y"],
    ["2026-11-25 19:10:37,486 CRITICAL a: b", "error", "a: b"],
    ["Traceback (most recent call last):", "error", "Traceback (most recent call last):"],
  ])("%s", (line, level, text) => {
    expect(parseServerLine(line)).toEqual({ level, text });
  });
});
