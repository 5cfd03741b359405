/** The extension's behaviour: start, restart and stop the server, keys, status; editor calls go through `Host`. */

import { type CommandContext, expand, resolveCommand } from "./command";
import { KEY_VARIABLE, PROVIDERS, type Provider, cleanKey, keyChoices, keyRequired, secretName, serverEnv } from "./keys";
import { type Candidate, type Probe, pickPython } from "./python";
import { type Inspect, SECTION, type Target, enableWrite, explicitValue, serverSection } from "./settings";
import { type Look, MISSING_KEY, type ServerStatus, type State, STATUS_NOTIFICATION, look, missingKeyText, parseStatus } from "./status";

export interface Disposable {
  dispose(): unknown;
}

/** The part of vscode-languageclient's `LanguageClient` the controller uses. */
export interface Client {
  start(): Promise<void>;
  stop(timeout?: number): Promise<void>;
  onNotification(method: string, handler: (params: unknown) => void): Disposable;
  sendNotification(method: string, params?: unknown): Promise<void>;
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

export interface ClientSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string | undefined;
  /** Our settings section as the server should see it, computed when asked. */
  section: () => Record<string, unknown>;
  /** Restarts the client library's policy allows within 3 minutes before it gives up. */
  maxRestarts: number;
  /**
   * Called when the server process ends, with the client library's verdict (`restart`: its policy
   * allows another restart); returns whether it may restart the server.
   */
  onClosed: (restart: boolean) => boolean;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
}

/** Everything the controller needs from the editor (implemented with vscode in `host.ts`). */
export interface Host {
  readonly log: Logger;
  /** `fimLsp.*` configuration access. */
  setting<T>(key: string): T | undefined;
  inspect: Inspect;
  update(key: string, value: unknown, target: Target): Promise<void>;
  secrets: {
    get(name: string): Promise<string | undefined>;
    store(name: string, value: string): Promise<void>;
    delete(name: string): Promise<void>;
  };
  commandContext(): CommandContext;
  /** The interpreters to try for the bundled server, best first. */
  pythonCandidates(): Promise<Candidate[]>;
  probePython: Probe;
  /** The bundled server's entry point (a Python script). */
  readonly bundledServer: string;
  createClient(spec: ClientSpec): Client;
  showStatus(look: Look): void;
  showError(message: string, ...actions: string[]): Promise<string | undefined>;
  showInfo(message: string): void;
  /** Open read-only text for people in an editor tab; `name` is the tab's title. */
  showDocument(name: string, content: string): Promise<void>;
  /** Ask for the key of `provider`; `required`: it cannot work without one. */
  askKey(provider: Provider, variable: string, required: boolean): Promise<string | undefined>;
  /** Ask which provider a key is for. */
  pickProvider(choices: readonly Provider[]): Promise<Provider | undefined>;
  /** Show a `window/showMessage` of the server (LSP message type: 1 error, 2 warning, else info). */
  showServerMessage(type: number, message: string): void;
  openInstallHelp(): void;
  openSettings(): void;
}

export const ACTION_INSTALL = "How to Install";
export const ACTION_SETTINGS = "Open Settings";
export const ACTION_LOG = "Show Log";
export const ACTION_SET_KEY = "Set API Key";
export const SHOW_MESSAGE = "window/showMessage";

/** The server's commands whose answers carry a `text` for people (see the server's README). */
export const STATS_COMMAND = "fimLsp.stats";
export const LAST_REQUEST_COMMAND = "fimLsp.lastRequest";

/** The `text` of a server command's answer, if it has one. */
export function answerText(answer: unknown): string | undefined {
  if (typeof answer !== "object" || answer === null) {
    return undefined;
  }
  const text: unknown = (answer as { text?: unknown }).text;
  return typeof text === "string" ? text : undefined;
}

/** Restarts after crashes within 3 minutes (vscode-languageclient's window) before giving up. */
export const MAX_RESTARTS = 3;
/** Clicks on the status bar item closer together than this count as one. */
export const CLICK_MS = 1000;

export class Controller {
  private client: Client | undefined;
  private subscriptions: Disposable[] = [];
  private state: State = { phase: "stopped" };
  private started = false;
  private queue: Promise<void> = Promise.resolve();
  private keysInUse: Partial<Record<Provider, string>> = {};
  private lastClick = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly host: Host,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): State {
    return this.state;
  }

  /** Start (or restart) the server; calls are serialized so restarts never overlap. */
  restart(): Promise<void> {
    this.queue = this.queue.then(() => this.doRestart()).catch((error: unknown) => {
      this.host.log.error(`restart failed: ${String(error)}`);
    });
    return this.queue;
  }

  stop(): Promise<void> {
    this.queue = this.queue.then(() => this.doStop());
    return this.queue;
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.started = false;
    for (const subscription of this.subscriptions.splice(0)) {
      subscription.dispose();
    }
    if (client !== undefined) {
      try {
        await client.stop(2000);
      } catch (error) {
        this.host.log.warn(`stopping the server: ${String(error)}`);
      }
    }
    this.setState({ phase: "stopped" });
  }

  private async doRestart(): Promise<void> {
    await this.doStop();
    const launch = await this.serverCommand();
    if (launch === undefined) {
      return;
    }
    const stored = await this.storedKeys();
    this.keysInUse = stored;
    const context = this.host.commandContext();
    const spec: ClientSpec = {
      command: launch.command,
      args: launch.args,
      env: serverEnv(context.env, stored),
      cwd: context.workspaceFolder,
      section: () => this.section(),
      maxRestarts: MAX_RESTARTS,
      onClosed: (restart) => this.closed(restart),
    };
    const keys = PROVIDERS.filter((provider) => stored[provider] !== undefined).map((provider) => KEY_VARIABLE[provider]);
    this.host.log.info(
      `starting ${[launch.command, ...launch.args].join(" ")} --stdio` +
        (keys.length > 0 ? ` (stored key passed in ${keys.join(", ")})` : " (no stored key; the environment's is used)"),
    );
    this.setState({ phase: "starting" });
    const client = this.host.createClient(spec);
    this.client = client;
    this.subscriptions.push(
      client.onNotification(STATUS_NOTIFICATION, (params) => this.onStatus(params)),
      client.onNotification(SHOW_MESSAGE, (params) => this.onServerMessage(params)),
    );
    try {
      await client.start();
    } catch (error) {
      if (this.client === client) {
        this.client = undefined;
        this.fail(`the server did not start: ${errorText(error)}`, true);
      }
      return;
    }
    if (this.client === client) {
      this.started = true;
      if (this.state.phase === "starting") {
        this.setState({ phase: "running", status: { kind: "normal", busy: false, message: "ready" } });
      }
    }
  }

  /**
   * The command line: `fimLsp.server.command` when the user set one, else the bundled server run by
   * the first Python 3.11+ found; undefined (and the user told) when there is none.
   */
  private async serverCommand(): Promise<{ command: string; args: string[] } | undefined> {
    // from user settings only (scope `application`): no workspace chooses the program that runs
    const command = explicitValue("server.command", this.host.inspect("server.command"));
    const setArgs = explicitValue("server.args", this.host.inspect("server.args"));
    const extraArgs = Array.isArray(setArgs) && setArgs.every((arg) => typeof arg === "string") ? (setArgs as string[]) : [];
    const context = this.host.commandContext();
    if (typeof command === "string" && command.trim() !== "") {
      const resolved = resolveCommand(command, extraArgs, context);
      if (!resolved.ok) {
        this.fail(`${resolved.reason}.`, true);
        return undefined;
      }
      return resolved;
    }
    const picked = await pickPython(await this.host.pythonCandidates(), this.host.probePython);
    if (!picked.ok) {
      this.fail(`${picked.reason}.`, true);
      return undefined;
    }
    for (const skipped of picked.skipped) {
      this.host.log.info(`not used for the bundled server: ${skipped}`);
    }
    this.host.log.info(`the bundled server runs on Python ${picked.version}: ${picked.from} (${picked.command})`);
    return { command: picked.command, args: ["-I", this.host.bundledServer, ...extraArgs.map((arg) => expand(arg, context))] };
  }

  /** The Python extension chose another interpreter: the bundled server moves to it. */
  async interpreterChanged(): Promise<void> {
    const command = explicitValue("server.command", this.host.inspect("server.command"));
    if (typeof command === "string" && command.trim() !== "") {
      return;
    }
    this.host.log.info("the Python extension chose another interpreter; restarting the server");
    await this.restart();
  }

  /** The server's process ended: restart when the library's policy allows, unless it never got going. */
  private closed(restart: boolean): boolean {
    if (!this.started) {
      return false;
    }
    if (restart) {
      this.host.log.warn("the server stopped unexpectedly; restarting it");
      this.setState({ phase: "starting" });
      return true;
    }
    this.started = false;
    this.fail(`the server stopped ${MAX_RESTARTS + 1} times in 3 minutes; use "fim-lsp: Restart Server" after fixing it.`, false);
    return false;
  }

  private fail(message: string, offerInstall: boolean): void {
    this.host.log.error(message);
    this.setState({ phase: "failed", message });
    const actions = offerInstall ? [ACTION_INSTALL, ACTION_SETTINGS, ACTION_LOG] : [ACTION_LOG];
    void this.host.showError(`fim-lsp: ${message}`, ...actions).then((choice) => {
      if (choice === ACTION_INSTALL) {
        this.host.openInstallHelp();
      } else if (choice === ACTION_SETTINGS) {
        this.host.openSettings();
      } else if (choice === ACTION_LOG) {
        this.host.log.show();
      }
    });
  }

  private onStatus(params: unknown): void {
    const status = parseStatus(params);
    if (status === undefined) {
      this.host.log.warn(`ignored a malformed ${STATUS_NOTIFICATION} notification`);
      return;
    }
    const before = this.state;
    const changedMessage =
      before.phase !== "running" || before.status.kind !== status.kind || before.status.message !== status.message;
    if (changedMessage && (status.kind === "error" || status.kind === "warning")) {
      this.host.log.warn(`server status ${status.kind}: ${status.message}`);
    }
    const newlyMissing = status.code === MISSING_KEY && (before.phase !== "running" || before.status.code !== MISSING_KEY);
    this.setState({ phase: "running", status });
    if (newlyMissing) {
      this.offerKey(status);
    }
  }

  /** Once each time the key goes missing: say so in VS Code's terms, with a button to set it. */
  private offerKey(status: ServerStatus): void {
    void this.host.showError(`fim-lsp: ${missingKeyText(status)}`, ACTION_SET_KEY, ACTION_LOG).then((choice) => {
      if (choice === ACTION_SET_KEY) {
        void this.setApiKey();
      } else if (choice === ACTION_LOG) {
        this.host.log.show();
      }
    });
  }

  /**
   * The server's `window/showMessage`, shown as the client library would; except that, while the
   * status says the key is missing, the server's own words for it (the status message, with its
   * advice for a terminal) are not shown again: `offerKey` said it the VS Code way.
   */
  private onServerMessage(params: unknown): void {
    if (typeof params !== "object" || params === null) {
      return;
    }
    const { type, message } = params as { type?: unknown; message?: unknown };
    if (typeof message !== "string") {
      return;
    }
    const state = this.state;
    if (state.phase === "running" && state.status.code === MISSING_KEY && state.status.message !== "" && message.includes(state.status.message)) {
      this.host.log.info(`server message shown as the missing-key notice: ${message}`);
      return;
    }
    this.host.showServerMessage(typeof type === "number" ? type : 3, message);
  }

  private setState(state: State): void {
    this.state = state;
    this.host.showStatus(look(state));
  }

  /** What the server is told: the settings the user set in `fimLsp`. */
  section(): Record<string, unknown> {
    return serverSection(this.host.inspect);
  }

  /** React to a configuration change; `affects` is `ConfigurationChangeEvent.affectsConfiguration`. */
  async configurationChanged(affects: (section: string) => boolean): Promise<void> {
    if (!affects(SECTION)) {
      return;
    }
    if (affects(`${SECTION}.server`)) {
      this.host.log.info("server settings changed; restarting the server");
      await this.restart();
      return;
    }
    const client = this.client;
    if (client !== undefined && this.started) {
      await client.sendNotification("workspace/didChangeConfiguration", { settings: { [SECTION]: this.section() } });
    }
  }

  /**
   * "fim-lsp: Set API Key": store the key for the provider the settings name (for `auto`, the one
   * the user picks), then restart so the server gets it.
   */
  async setApiKey(): Promise<void> {
    const choices = keyChoices(this.host.setting("provider"));
    const provider = choices.length === 1 ? choices[0] : await this.host.pickProvider(choices);
    if (provider === undefined) {
      return;
    }
    const variable = KEY_VARIABLE[provider];
    const key = cleanKey(await this.host.askKey(provider, variable, keyRequired(provider)));
    if (key === undefined) {
      return;
    }
    await this.host.secrets.store(secretName(provider), key);
    this.host.log.info(`API key for provider ${provider} stored`);
    await this.restartIfKeysChanged();
    this.host.showInfo(`fim-lsp: API key for ${provider} stored; the server gets it as ${variable}.`);
  }

  async clearApiKey(): Promise<void> {
    for (const provider of PROVIDERS) {
      await this.host.secrets.delete(secretName(provider));
    }
    this.host.log.info("stored API keys removed");
    await this.restartIfKeysChanged();
    this.host.showInfo("fim-lsp: stored API keys removed.");
  }

  /** Turn suggestions on or off by writing `fimLsp.enable` where it is set (removing it where that is enough). */
  async toggle(): Promise<void> {
    const enabled = this.host.setting<boolean>("enable") !== false;
    const { target, value } = enableWrite(this.host.inspect("enable"), !enabled);
    const how = value === undefined ? "removed from" : `${value} in`;
    this.host.log.info(`turning suggestions ${enabled ? "off" : "on"} (fimLsp.enable ${how} ${target} settings)`);
    await this.host.update("enable", value, target);
  }

  /** The status bar item was clicked. */
  async statusClicked(): Promise<void> {
    // code-server 1.139 was seen to run an item's command several times for one click
    // once the item had been updated; one click toggles once
    const now = this.now();
    if (now - this.lastClick < CLICK_MS) {
      return;
    }
    this.lastClick = now;
    const click = look(this.state).click;
    if (click === "toggle") {
      await this.toggle();
    } else if (click === "setKey") {
      await this.setApiKey();
    } else {
      this.host.log.show();
    }
  }

  /** "fim-lsp: Show Statistics": the counts the server keeps on this machine, as its table. */
  showStats(): Promise<void> {
    return this.showServerText(STATS_COMMAND, "fim-lsp-statistics.txt", "fim-lsp: the server has no statistics yet.");
  }

  /** "fim-lsp: Show Last Request": what the last provider request sent and what came back. */
  showLastRequest(): Promise<void> {
    return this.showServerText(LAST_REQUEST_COMMAND, "fim-lsp-last-request.txt", "fim-lsp: no request has been sent to the provider yet.");
  }

  private async showServerText(command: string, name: string, none: string): Promise<void> {
    const client = this.client;
    if (client === undefined || !this.started) {
      this.host.showInfo('fim-lsp: the server is not running; start it with "fim-lsp: Restart Server".');
      return;
    }
    let answer: unknown;
    try {
      answer = await client.sendRequest("workspace/executeCommand", { command, arguments: [] });
    } catch (error) {
      const message = `${command} failed: ${errorText(error)}`;
      this.host.log.error(message);
      void this.host.showError(`fim-lsp: ${message}`, ACTION_LOG).then((choice) => {
        if (choice === ACTION_LOG) {
          this.host.log.show();
        }
      });
      return;
    }
    const text = answerText(answer);
    if (text === undefined) {
      if (answer !== null && answer !== undefined) {
        this.host.log.warn(`${command} answered without a text; the server may be older than the extension`);
      }
      this.host.showInfo(answer === null || answer === undefined ? none : `fim-lsp: the server's answer to ${command} has no text; update fim-lsp.`);
      return;
    }
    await this.host.showDocument(name, text);
  }

  /** Secrets changed (also in another window): restart if one of ours differs from what the server has. */
  async secretChanged(name: string): Promise<void> {
    if (PROVIDERS.some((provider) => secretName(provider) === name)) {
      await this.restartIfKeysChanged();
    }
  }

  /**
   * Restart once the stored keys differ from those the running server got. Queued behind any
   * restart in progress, so the command and the secret-change event never restart twice.
   */
  restartIfKeysChanged(): Promise<void> {
    this.queue = this.queue
      .then(async () => {
        const stored = await this.storedKeys();
        if (PROVIDERS.some((provider) => stored[provider] !== this.keysInUse[provider])) {
          this.host.log.info("the stored API keys changed; restarting the server");
          await this.doRestart();
        }
      })
      .catch((error: unknown) => {
        this.host.log.error(`restart failed: ${String(error)}`);
      });
    return this.queue;
  }

  private async storedKeys(): Promise<Partial<Record<Provider, string>>> {
    const stored: Partial<Record<Provider, string>> = {};
    for (const provider of PROVIDERS) {
      const key = await this.host.secrets.get(secretName(provider));
      if (key !== undefined) {
        stored[provider] = key;
      }
    }
    return stored;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
