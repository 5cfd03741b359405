import { describe, expect, it, vi } from "vitest";
import type { CommandContext } from "../../src/command";
import {
  ACTION_INSTALL,
  ACTION_LOG,
  ACTION_SET_KEY,
  type Client,
  type ClientSpec,
  Controller,
  type Host,
  MAX_RESTARTS,
  answerText,
} from "../../src/controller";
import type { Candidate } from "../../src/python";
import type { Inspected } from "../../src/settings";
import type { Look } from "../../src/status";

const KEY = "sk-test-0123456789abcdef";

class FakeClient implements Client {
  handlers = new Map<string, (params: unknown) => void>();
  sent: Array<[string, unknown]> = [];
  requests: Array<[string, unknown]> = [];
  /** workspace/executeCommand answers by command; an Error is thrown */
  answers = new Map<string, unknown>();
  stopped = false;
  constructor(
    readonly spec: ClientSpec,
    private readonly starting: Promise<void>,
  ) {}
  start = () => this.starting;
  stop = async () => {
    this.stopped = true;
  };
  onNotification(method: string, handler: (params: unknown) => void) {
    this.handlers.set(method, handler);
    return { dispose: () => this.handlers.delete(method) };
  }
  sendNotification = async (method: string, params?: unknown) => {
    this.sent.push([method, params]);
  };
  sendRequest = async (method: string, params: unknown) => {
    this.requests.push([method, params]);
    const answer = this.answers.get((params as { command: string }).command);
    if (answer instanceof Error) {
      throw answer;
    }
    return answer;
  };
  notify(params: unknown) {
    this.handlers.get("fimLsp/status")?.(params);
  }
}

interface HostOptions {
  settings?: Record<string, unknown>;
  onPath?: boolean;
  startFails?: boolean;
  choose?: string;
  /** the interpreters the host finds, and the version each one says it is */
  pythons?: Array<[Candidate, [number, number] | string]>;
}

const PYTHON3: Candidate = { command: "/usr/bin/python3", from: "python3 on PATH" };

function makeHost(options: HostOptions = {}) {
  const settings: Record<string, unknown> = { "server.command": "fim-lsp", ...options.settings };
  const pythons = options.pythons ?? [[PYTHON3, [3, 12]]];
  const secrets = new Map<string, string>();
  const logs: string[] = [];
  const looks: Look[] = [];
  const clients: FakeClient[] = [];
  const errors: Array<[string, string[]]> = [];
  const secretListeners: Array<(name: string) => void> = [];
  const host = {
    log: {
      info: (m: string) => logs.push(m),
      warn: (m: string) => logs.push(m),
      error: (m: string) => logs.push(m),
      show: vi.fn(),
    },
    setting: <T>(key: string) => settings[key] as T | undefined,
    inspect: (key: string): Inspected | undefined => ({
      ...(key === "enable" ? { defaultValue: true } : {}),
      ...(key in settings && settings[key] !== undefined ? { globalValue: settings[key] } : {}),
    }),
    update: vi.fn(async (key: string, value: unknown) => {
      settings[key] = value;
    }),
    secrets: {
      get: async (name: string) => secrets.get(name),
      store: async (name: string, value: string) => {
        secrets.set(name, value);
        secretListeners.forEach((listener) => listener(name));
      },
      delete: async (name: string) => {
        secrets.delete(name);
      },
    },
    commandContext: (): CommandContext => ({
      env: { PATH: "/bin", HOME: "/home/u" },
      platform: "linux",
      home: "/home/u",
      workspaceFolder: "/ws",
      isExecutable: (file) => options.onPath !== false && file === "/bin/fim-lsp",
    }),
    createClient: (spec: ClientSpec) => {
      const client = new FakeClient(spec, options.startFails ? Promise.reject(new Error("spawn ENOENT")) : Promise.resolve());
      clients.push(client);
      return client;
    },
    showStatus: (shown: Look) => looks.push(shown),
    showError: vi.fn(async (message: string, ...actions: string[]) => {
      errors.push([message, actions]);
      return options.choose;
    }),
    showInfo: vi.fn(),
    showDocument: vi.fn(async () => undefined),
    askKey: vi.fn(async (_provider: string, _variable: string, _required: boolean) => `  ${KEY}\n`),
    pickProvider: vi.fn(async (choices: readonly string[]) => choices.at(-1) as never),
    showServerMessage: vi.fn(),
    openInstallHelp: vi.fn(),
    openSettings: vi.fn(),
    pythonCandidates: async () => pythons.map(([candidate]) => candidate),
    probePython: vi.fn(async (command: string) => {
      const said = pythons.find(([candidate]) => candidate.command === command)?.[1] ?? "not found";
      return typeof said === "string" ? { error: said } : { version: said };
    }),
    bundledServer: "/ext/bundled/tool/fim_lsp_server.py",
  } satisfies Host;
  return { host, settings, secrets, logs, looks, clients, errors, secretListeners };
}

describe("Controller", () => {
  it("starts the resolved command and shows ready", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.restart();
    expect(t.clients).toHaveLength(1);
    expect(t.clients[0]?.spec.command).toBe("/bin/fim-lsp");
    expect(t.clients[0]?.spec.cwd).toBe("/ws");
    expect(t.looks.map((l) => l.label)).toEqual(["fim-lsp: the server is stopped", "fim-lsp: starting the server", "fim-lsp: ready; click to turn off"]);
  });

  it("without a server command, runs the bundled server on the first Python 3.11+ it finds", async () => {
    const t = makeHost({
      settings: { "server.command": "", "server.args": ["--log-level", "DEBUG"] },
      pythons: [
        [{ command: "/proj/.venv/bin/python", from: "the Python extension's interpreter" }, [3, 9]],
        [PYTHON3, [3, 12]],
      ],
    });
    await new Controller(t.host).restart();
    expect(t.clients[0]?.spec.command).toBe("/usr/bin/python3");
    expect(t.clients[0]?.spec.args).toEqual(["-I", "/ext/bundled/tool/fim_lsp_server.py", "--log-level", "DEBUG"]);
    expect(t.logs).toContain("not used for the bundled server: the Python extension's interpreter (/proj/.venv/bin/python) is Python 3.9");
    expect(t.logs).toContain("the bundled server runs on Python 3.12: python3 on PATH (/usr/bin/python3)");
  });

  it("takes the Python extension's interpreter first when it is new enough", async () => {
    const chosen: Candidate = { command: "/proj/.venv/bin/python", from: "the Python extension's interpreter" };
    const t = makeHost({ settings: { "server.command": undefined }, pythons: [[chosen, [3, 13]], [PYTHON3, [3, 12]]] });
    await new Controller(t.host).restart();
    expect(t.clients[0]?.spec.command).toBe("/proj/.venv/bin/python");
    expect(t.host.probePython).toHaveBeenCalledTimes(1);
  });

  it("says which interpreters it found when none is 3.11+, and offers the settings", async () => {
    const t = makeHost({
      settings: { "server.command": "" },
      pythons: [
        [{ command: "/usr/bin/python3", from: "python3 on PATH" }, [3, 9]],
        [{ command: undefined, from: "python on PATH" }, "unused"],
      ],
    });
    const controller = new Controller(t.host);
    await controller.restart();
    expect(t.clients).toHaveLength(0);
    expect(t.errors[0]?.[0]).toBe(
      "fim-lsp: the server bundled with the extension needs Python 3.11 or newer, and none was found " +
        "(python3 on PATH (/usr/bin/python3) is Python 3.9; python on PATH: none). Install Python 3.11+ " +
        "(or choose one in the Python extension), or set fimLsp.server.command.",
    );
    expect(t.errors[0]?.[1]).toEqual(["How to Install", "Open Settings", "Show Log"]);
    expect(controller.current).toMatchObject({ phase: "failed" });
  });

  it("follows the Python extension's interpreter changes only when it runs the bundled server", async () => {
    const t = makeHost({ settings: { "server.command": "" } });
    const controller = new Controller(t.host);
    await controller.restart();
    await controller.interpreterChanged();
    expect(t.clients).toHaveLength(2);
    t.settings["server.command"] = "fim-lsp";
    await controller.interpreterChanged();
    expect(t.clients).toHaveLength(2);
  });

  it("runs the server command and arguments from user settings, never a workspace's", async () => {
    const t = makeHost();
    const inspected: Record<string, Inspected> = {
      "server.command": { workspaceValue: "/ws/evil", globalValue: "fim-lsp" },
      "server.args": { workspaceFolderValue: ["--evil"] },
    };
    t.host.inspect = (key: string) => inspected[key];
    await new Controller(t.host).restart();
    expect(t.clients[0]?.spec.command).toBe("/bin/fim-lsp");
    expect(t.clients[0]?.spec.args).toEqual([]);
  });

  it("follows the server's fimLsp/status notifications and logs problems once", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.restart();
    const client = t.clients[0]!;
    client.notify({ kind: "normal", busy: true, message: "ready" });
    expect(t.looks.at(-1)?.label).toBe("fim-lsp: working");
    client.notify({ kind: "error", busy: false, message: "the key in MISTRAL_API_KEY was rejected (401)" });
    client.notify({ kind: "error", busy: true, message: "the key in MISTRAL_API_KEY was rejected (401)" });
    expect(t.looks.at(-1)).toMatchObject({ text: "$(error) fim-lsp", tone: "error", click: "showLog" });
    expect(t.looks.at(-1)?.label).toContain("rejected (401)");
    expect(t.logs.filter((line) => line.includes("rejected"))).toHaveLength(1);
    client.notify({ kind: "nonsense" });
    expect(t.looks.at(-1)?.tone).toBe("error");
    client.notify({ kind: "inactive", busy: false, message: "disabled" });
    expect(t.looks.at(-1)?.label).toMatch(/^fim-lsp: disabled/);
  });

  it("explains a missing server and offers how to install it", async () => {
    const t = makeHost({ onPath: false, choose: ACTION_INSTALL });
    const controller = new Controller(t.host);
    await controller.restart();
    await vi.waitFor(() => expect(t.host.openInstallHelp).toHaveBeenCalled());
    expect(t.clients).toHaveLength(0);
    expect(t.errors[0]?.[0]).toBe('fim-lsp: the server command "fim-lsp" was not found on PATH.');
    expect(t.errors[0]?.[1]).toEqual(["How to Install", "Open Settings", "Show Log"]);
    expect(controller.current).toMatchObject({ phase: "failed" });
    expect(t.looks.at(-1)?.tone).toBe("error");
  });

  it("reports a server that fails to start", async () => {
    const t = makeHost({ startFails: true });
    const controller = new Controller(t.host);
    await controller.restart();
    expect(controller.current).toEqual({ phase: "failed", message: "the server did not start: spawn ENOENT" });
    expect(t.errors).toHaveLength(1);
  });

  it("stores the key in secret storage and passes it only in the server's environment", async () => {
    const t = makeHost({ settings: { provider: "codestral" } });
    const controller = new Controller(t.host);
    t.secretListeners.push((name) => void controller.secretChanged(name));
    await controller.restart();
    await controller.setApiKey();
    await controller.secretChanged("fimLsp.apiKey.codestral");
    expect(t.secrets.get("fimLsp.apiKey.codestral")).toBe(KEY);
    expect(t.clients).toHaveLength(2); // one restart, although the command and the event both asked
    const spec = t.clients[1]!.spec;
    expect(spec.env["CODESTRAL_API_KEY"]).toBe(KEY);
    expect(spec.env["MISTRAL_API_KEY"]).toBeUndefined();
    expect(t.clients[0]!.stopped).toBe(true);
    // never in settings, arguments, the section sent to the server, or the log
    expect(t.host.update).not.toHaveBeenCalled();
    expect(JSON.stringify([spec.args, spec.command, spec.section(), t.logs, t.looks])).not.toContain(KEY);
    expect(t.logs.join("\n")).toContain("stored key passed in CODESTRAL_API_KEY");
  });

  it("Set API Key knows every provider that takes a key; for auto it asks which one", async () => {
    const t = makeHost({ settings: { provider: "ollama" } });
    const controller = new Controller(t.host);
    await controller.restart();
    await controller.setApiKey();
    expect(t.host.askKey).toHaveBeenLastCalledWith("ollama", "OLLAMA_API_KEY", false);
    expect(t.clients.at(-1)!.spec.env["OLLAMA_API_KEY"]).toBe(KEY);
    t.settings["provider"] = "auto";
    await controller.setApiKey();
    expect(t.host.pickProvider).toHaveBeenCalledWith(["mistral", "codestral"]);
    expect(t.host.askKey).toHaveBeenLastCalledWith("codestral", "CODESTRAL_API_KEY", true);
    expect(t.secrets.get("fimLsp.apiKey.codestral")).toBe(KEY);
    t.host.pickProvider.mockResolvedValueOnce(undefined as never);
    await controller.setApiKey();
    expect(t.host.askKey).toHaveBeenCalledTimes(2);
  });

  it("a missing key is told once, the VS Code way, with a Set API Key button that sets it", async () => {
    const t = makeHost({ settings: { provider: "mistral" }, choose: ACTION_SET_KEY });
    const controller = new Controller(t.host);
    await controller.restart();
    const client = t.clients[0]!;
    const serverSays = "MISTRAL_API_KEY is not set. Create a key at https://console.mistral.ai and set MISTRAL_API_KEY in the environment fim-lsp starts in.";
    const missing = { kind: "error", busy: false, message: serverSays, code: "missingKey", provider: "mistral", keyVariable: "MISTRAL_API_KEY" };
    client.notify(missing);
    client.handlers.get("window/showMessage")?.({ type: 2, message: `fim-lsp: ${serverSays}` });
    client.notify({ ...missing, busy: true });
    client.handlers.get("window/showMessage")?.({ type: 2, message: "fim-lsp: something else" });
    expect(t.errors).toEqual([
      ['fim-lsp: no API key for mistral (MISTRAL_API_KEY). Set one with "fim-lsp: Set API Key"; VS Code keeps it in its secret storage.', [ACTION_SET_KEY, ACTION_LOG]],
    ]);
    expect(t.host.showServerMessage.mock.calls).toEqual([[2, "fim-lsp: something else"]]);
    expect(t.looks.at(-1)?.click).toBe("setKey");
    await vi.waitFor(() => expect(t.host.askKey).toHaveBeenCalledWith("mistral", "MISTRAL_API_KEY", true));
    await vi.waitFor(() => expect(t.clients).toHaveLength(2)); // the key stored, the server restarted with it
    expect(t.clients[1]!.spec.env["MISTRAL_API_KEY"]).toBe(KEY);
    // the new server misses a key again (it was cleared): told again
    await controller.clearApiKey();
    t.clients.at(-1)!.notify(missing);
    expect(t.errors).toHaveLength(2);
  });

  it("a status without a code is shown as the server says it", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.restart();
    t.clients[0]!.notify({ kind: "error", busy: false, message: "MISTRAL_API_KEY is not set." });
    t.clients[0]!.handlers.get("window/showMessage")?.({ type: 2, message: "fim-lsp: MISTRAL_API_KEY is not set." });
    expect(t.errors).toEqual([]);
    expect(t.host.showServerMessage).toHaveBeenCalledWith(2, "fim-lsp: MISTRAL_API_KEY is not set.");
    expect(t.looks.at(-1)?.click).toBe("showLog");
  });

  it("does nothing when the key prompt is cancelled", async () => {
    const t = makeHost();
    t.host.askKey.mockResolvedValueOnce(undefined as unknown as string);
    const controller = new Controller(t.host);
    await controller.setApiKey();
    expect(t.secrets.size).toBe(0);
    expect(t.clients).toHaveLength(0);
  });

  it("clears stored keys and restarts without them", async () => {
    const t = makeHost();
    t.secrets.set("fimLsp.apiKey.mistral", KEY);
    const controller = new Controller(t.host);
    await controller.restart();
    expect(t.clients[0]!.spec.env["MISTRAL_API_KEY"]).toBe(KEY);
    await controller.clearApiKey();
    expect(t.clients).toHaveLength(2);
    expect(t.clients[1]!.spec.env["MISTRAL_API_KEY"]).toBeUndefined();
  });

  it("pushes changed settings live and restarts only for server.* changes", async () => {
    const t = makeHost({ settings: { debounceMs: 0, "server.args": [] } });
    const controller = new Controller(t.host);
    await controller.restart();
    const affects = (...sections: string[]) => (section: string) => sections.includes(section);
    await controller.configurationChanged(affects("editor"));
    await controller.configurationChanged(affects("fimLsp", "fimLsp.debounceMs"));
    expect(t.clients[0]!.sent).toEqual([["workspace/didChangeConfiguration", { settings: { fimLsp: { debounceMs: 0 } } }]]);
    expect(t.clients).toHaveLength(1);
    await controller.configurationChanged(affects("fimLsp", "fimLsp.server", "fimLsp.server.args"));
    expect(t.clients).toHaveLength(2);
  });

  it("toggles enable from the status bar when healthy, shows the log when not", async () => {
    let now = 0;
    const t = makeHost();
    const controller = new Controller(t.host, () => now);
    await controller.restart();
    await controller.statusClicked();
    await controller.statusClicked(); // the same click, delivered twice
    expect(t.host.update).toHaveBeenCalledTimes(1);
    expect(t.host.update).toHaveBeenCalledWith("enable", false, "global");
    t.clients[0]!.notify({ kind: "inactive", busy: false, message: "disabled" });
    now += 5000;
    await controller.statusClicked();
    now += 5000;
    // back to the default: the key is removed, not written as true
    expect(t.host.update).toHaveBeenLastCalledWith("enable", undefined, "global");
    t.clients[0]!.notify({ kind: "error", busy: false, message: "boom" });
    await controller.statusClicked();
    expect(t.host.log.show).toHaveBeenCalledTimes(1);
    expect(t.host.update).toHaveBeenCalledTimes(2);
  });

  it("restarts a crashed server while the library's policy allows, then gives up and says so", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.restart();
    const spec = t.clients[0]!.spec;
    expect(spec.maxRestarts).toBe(MAX_RESTARTS);
    expect([spec.onClosed(true), spec.onClosed(true), spec.onClosed(true)]).toEqual([true, true, true]);
    expect(controller.current).toMatchObject({ phase: "starting" });
    expect(spec.onClosed(false)).toBe(false);
    expect(controller.current).toMatchObject({ phase: "failed" });
    expect(t.errors.at(-1)?.[0]).toBe(
      'fim-lsp: the server stopped 4 times in 3 minutes; use "fim-lsp: Restart Server" after fixing it.',
    );
  });

  it("does not restart a server that never started", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    void controller.restart();
    expect(t.clients).toHaveLength(0);
    await controller.restart();
    await controller.stop();
    expect(t.clients.at(-1)!.spec.onClosed(true)).toBe(false);
  });
});

describe("Show Statistics and Show Last Request", () => {
  const STATS_TEXT = "fim-lsp statistics\n             today  all\nshown            3    9\n";

  it("open the server's text for people in a read-only document", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.restart();
    const client = t.clients[0]!;
    client.answers.set("fimLsp.stats", { today: {}, all: {}, adaptation: {}, text: STATS_TEXT });
    client.answers.set("fimLsp.lastRequest", { prompt: "def add", text: "=== prompt (before the cursor) ===\ndef add" });
    await controller.showStats();
    await controller.showLastRequest();
    expect(client.requests).toEqual([
      ["workspace/executeCommand", { command: "fimLsp.stats", arguments: [] }],
      ["workspace/executeCommand", { command: "fimLsp.lastRequest", arguments: [] }],
    ]);
    expect(t.host.showDocument.mock.calls).toEqual([
      ["fim-lsp-statistics.txt", STATS_TEXT],
      ["fim-lsp-last-request.txt", "=== prompt (before the cursor) ===\ndef add"],
    ]);
    expect(t.host.showInfo).not.toHaveBeenCalled();
  });

  it("say so when the server is not running, before a start and after a stop", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.showStats();
    await controller.restart();
    await controller.stop();
    await controller.showLastRequest();
    expect(t.host.showInfo.mock.calls).toEqual([
      ['fim-lsp: the server is not running; start it with "fim-lsp: Restart Server".'],
      ['fim-lsp: the server is not running; start it with "fim-lsp: Restart Server".'],
    ]);
    expect(t.clients[0]!.requests).toEqual([]);
    expect(t.host.showDocument).not.toHaveBeenCalled();
  });

  it("say so when no request was sent yet (a null answer)", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.restart();
    t.clients[0]!.answers.set("fimLsp.lastRequest", null);
    await controller.showLastRequest();
    expect(t.host.showInfo).toHaveBeenCalledWith("fim-lsp: no request has been sent to the provider yet.");
    expect(t.host.showDocument).not.toHaveBeenCalled();
  });

  it("show an error answer with a way to the log", async () => {
    const t = makeHost({ choose: ACTION_LOG });
    const controller = new Controller(t.host);
    await controller.restart();
    t.clients[0]!.answers.set("fimLsp.stats", new Error("Request workspace/executeCommand failed: unknown command"));
    await controller.showStats();
    expect(t.errors).toEqual([["fim-lsp: fimLsp.stats failed: Request workspace/executeCommand failed: unknown command", [ACTION_LOG]]]);
    expect(t.logs).toContain("fimLsp.stats failed: Request workspace/executeCommand failed: unknown command");
    await vi.waitFor(() => expect(t.host.log.show).toHaveBeenCalled());
    expect(t.host.showDocument).not.toHaveBeenCalled();
    expect(controller.current.phase).toBe("running"); // a failed command does not mark the server failed
  });

  it("explain an answer without a text (an older server)", async () => {
    const t = makeHost();
    const controller = new Controller(t.host);
    await controller.restart();
    t.clients[0]!.answers.set("fimLsp.stats", { today: {}, all: {} });
    await controller.showStats();
    expect(t.host.showInfo).toHaveBeenCalledWith("fim-lsp: the server's answer to fimLsp.stats has no text; update fim-lsp.");
    expect(t.host.showDocument).not.toHaveBeenCalled();
  });

  it.each([
    [{ text: "a table" }, "a table"],
    [{ text: "" }, ""],
    [{ text: 3 }, undefined],
    [null, undefined],
    ["text", undefined],
    [undefined, undefined],
  ])("answerText(%j) is %j", (answer, expected) => {
    expect(answerText(answer)).toBe(expected);
  });
});
