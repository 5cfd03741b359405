import { beforeEach, describe, expect, it, vi } from "vitest";
import * as vscode from "vscode";
import { activate, deactivate } from "../../src/extension";
import { VscodeHost } from "../../src/host";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { commands_, installed, items, logLines, opened, settings } from "./vscode.mock";

// the library is CommonJS and requires the real `vscode`; these tests never start a server
vi.mock("vscode-languageclient/node", () => ({
  LanguageClient: vi.fn(),
  TextDocumentLanguageFeature: class {},
  InlineCompletionRequest: { method: "textDocument/inlineCompletion", type: {} },
  TransportKind: { stdio: 0 },
  CloseAction: { DoNotRestart: 1, Restart: 2 },
  ErrorAction: { Continue: 1, Shutdown: 2 },
}));

function context(packageJSON: unknown = { enabledApiProposals: [] }) {
  return {
    extension: { packageJSON },
    subscriptions: [] as Array<{ dispose(): unknown }>,
    extensionUri: { path: "/ext", fsPath: "/ext" },
    secrets: {
      get: vi.fn(async () => undefined),
      store: vi.fn(async () => undefined),
      delete: vi.fn(async () => undefined),
      onDidChange: vi.fn(() => ({ dispose: vi.fn() })),
    },
  };
}

describe("activate (vscode mocked)", () => {
  beforeEach(() => {
    items.length = 0;
    logLines.length = 0;
    opened.length = 0;
    commands_.clear();
    for (const key of Object.keys(settings)) {
      delete settings[key];
    }
  });

  it("registers the commands, a log channel and a status bar item; a missing server is explained", async () => {
    settings["server.command"] = "/definitely/not/here/fim-lsp";
    const ctx = context();
    activate(ctx as unknown as vscode.ExtensionContext);
    expect(vscode.window.createOutputChannel).toHaveBeenCalledWith("fim-lsp", { log: true });
    expect([...commands_.keys()].sort()).toEqual([
      "fimLsp.clearApiKey",
      "fimLsp.restart",
      "fimLsp.setApiKey",
      "fimLsp.showLastRequest",
      "fimLsp.showLog",
      "fimLsp.showStats",
      "fimLsp.statusClicked",
      "fimLsp.toggle",
    ]);
    await vi.waitFor(() => expect(vscode.window.showErrorMessage).toHaveBeenCalled());
    expect(vscode.window.showErrorMessage).toHaveBeenCalledWith(
      'fim-lsp: the server command "/definitely/not/here/fim-lsp" does not exist or is not executable.',
      "How to Install",
      "Open Settings",
      "Show Log",
    );
    const item = items[0]!;
    expect(item.command).toBe("fimLsp.statusClicked");
    expect(item.text).toBe("$(error) fim-lsp");
    expect((item.backgroundColor as unknown as { id: string }).id).toBe("statusBarItem.errorBackground");
    expect(logLines.some((line) => line.startsWith("[error] the server command"))).toBe(true);
    await deactivate();
  });

  it("the Set API Key command stores the key in SecretStorage, not in settings", async () => {
    settings["server.command"] = "/definitely/not/here/fim-lsp";
    const ctx = context();
    activate(ctx as unknown as vscode.ExtensionContext);
    vi.mocked(vscode.window.showInputBox).mockResolvedValueOnce("sk-secret-value");
    await commands_.get("fimLsp.setApiKey")!();
    expect(ctx.secrets.store).toHaveBeenCalledWith("fimLsp.apiKey.mistral", "sk-secret-value");
    // provider auto (the default): the user picked which provider the key is for
    expect(vi.mocked(vscode.window.showQuickPick).mock.calls[0]![0]).toMatchObject([
      { label: "mistral", description: "MISTRAL_API_KEY" },
      { label: "codestral", description: "CODESTRAL_API_KEY" },
    ]);
    expect(vi.mocked(vscode.window.showInputBox).mock.calls[0]![0]).toMatchObject({ password: true, ignoreFocusOut: true });
    expect(JSON.stringify(settings)).not.toContain("sk-secret-value");
    expect(logLines.join("\n")).not.toContain("sk-secret-value");
    await deactivate();
  });

  it("without the API proposal the log says that shown and partial accepts are not reported", async () => {
    settings["server.command"] = "/definitely/not/here/fim-lsp";
    activate(context() as unknown as vscode.ExtensionContext);
    expect(logLines.filter((line) => line.includes("inlineCompletionsAdditions"))).toHaveLength(1);
    await deactivate();
    logLines.length = 0;
    activate(context({ enabledApiProposals: ["inlineCompletionsAdditions"] }) as unknown as vscode.ExtensionContext);
    expect(logLines.filter((line) => line.includes("inlineCompletionsAdditions"))).toEqual([]);
    await deactivate();
  });

  it("Show Statistics without a running server says so and opens nothing", async () => {
    settings["server.command"] = "/definitely/not/here/fim-lsp";
    activate(context() as unknown as vscode.ExtensionContext);
    await commands_.get("fimLsp.showStats")!();
    expect(vscode.window.showInformationMessage).toHaveBeenCalledWith(
      'fim-lsp: the server is not running; start it with "fim-lsp: Restart Server".',
    );
    expect(opened).toEqual([]);
    await deactivate();
  });

  it("shows server text in a read-only fim-lsp: document, never an untitled one the server would get", async () => {
    const host = new VscodeHost(context() as unknown as vscode.ExtensionContext, vscode.window.createOutputChannel("fim-lsp", { log: true }));
    await host.showDocument("fim-lsp-statistics.txt", "first");
    await host.showDocument("fim-lsp-statistics.txt", "second");
    expect(opened).toEqual([
      { uri: "fim-lsp:/fim-lsp-statistics.txt", text: "first" },
      { uri: "fim-lsp:/fim-lsp-statistics.txt", text: "second" },
    ]);
    expect(vi.mocked(vscode.window.showTextDocument).mock.calls.at(-1)?.[1]).toEqual({ preview: true });
  });

  it("asks the Python extension for its interpreter first, then python3 and python on PATH", async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fim-lsp-path-"));
    fs.writeFileSync(path.join(bin, "python3"), "#!/bin/sh\necho 3.12\n", { mode: 0o755 });
    const saved = process.env["PATH"];
    process.env["PATH"] = bin;
    let resolved: unknown;
    installed.set("ms-python.python", {
      isActive: false,
      exports: undefined,
      activate: async () => ({
        environments: {
          getActiveEnvironmentPath: () => ({ path: "/ws/.venv" }),
          resolveEnvironment: async (environment: unknown) => {
            resolved = environment;
            return { executable: { uri: { fsPath: "/ws/.venv/bin/python" } } };
          },
        },
      }),
    });
    try {
      const host = new VscodeHost(context() as unknown as vscode.ExtensionContext, vscode.window.createOutputChannel("fim-lsp", { log: true }));
      expect(await host.pythonCandidates()).toEqual([
        { command: "/ws/.venv/bin/python", from: "the Python extension's interpreter" },
        { command: path.join(bin, "python3"), from: "python3 on PATH" },
        { command: undefined, from: "python on PATH" },
      ]);
      expect(resolved).toEqual({ path: "/ws/.venv" });
      expect(host.bundledServer).toBe(path.join("/ext", "bundled", "tool", "fim_lsp_server.py"));
    } finally {
      process.env["PATH"] = saved;
      installed.clear();
      fs.rmSync(bin, { recursive: true });
    }
  });

  it("probes an interpreter's version by running it", async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fim-lsp-probe-"));
    const script = (name: string, body: string) => {
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return path.join(bin, name);
    };
    try {
      const host = new VscodeHost(context() as unknown as vscode.ExtensionContext, vscode.window.createOutputChannel("fim-lsp", { log: true }));
      expect(await host.probePython(script("old", "echo 3.9"))).toEqual({ version: [3, 9] });
      expect(await host.probePython(script("chatty", "echo hello"))).toEqual({ error: 'unexpected answer "hello"' });
      expect(await host.probePython(script("broken", "exit 3"))).toMatchObject({ error: expect.stringContaining("Command failed") });
      expect(await host.probePython(path.join(bin, "missing"))).toMatchObject({ error: expect.stringContaining("ENOENT") });
    } finally {
      fs.rmSync(bin, { recursive: true });
    }
  });
});
