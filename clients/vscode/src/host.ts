/** The one place that calls the vscode API on the controller's behalf (everything else is testable without it). */

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { createClient } from "./client";
import { type CommandContext, which } from "./command";
import type { Client, ClientSpec, Host, Logger } from "./controller";
import { KEY_VARIABLE, type Provider } from "./keys";
import { CATALOG } from "./serverSettings.generated";
import { PROPOSAL, proposalEnabled } from "./proposed";
import { BUNDLED_SERVER, type Candidate, PROBE_ARGS, type Probe, activeInterpreter, parseVersion } from "./python";
import { SECTION, type Target } from "./settings";
import type { Look } from "./status";

export const STATUS_CLICK_COMMAND = "fimLsp.statusClicked";
export const PYTHON_EXTENSION = "ms-python.python";
/** How long the Python extension may take to start and to name its interpreter. */
const PYTHON_API_MS = 20_000;
const PROBE_MS = 20_000;
/** Our read-only documents (statistics, last request): not `untitled`, so never synced to the server, never "unsaved". */
export const DOCUMENT_SCHEME = "fim-lsp";

class ReadOnlyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }

  async show(name: string, content: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `/${name}` });
    this.texts.set(uri.toString(), content);
    this.changed.fire(uri); // an open document of that name shows the new text
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const TARGETS: Record<Target, vscode.ConfigurationTarget> = {
  global: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
  workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder,
};

export class VscodeHost implements Host {
  readonly log: Logger;
  private readonly item: vscode.StatusBarItem;
  private shown: Look | undefined;
  private readonly documents = new ReadOnlyDocuments();
  /** VS Code lets our provider report shown and partly accepted suggestions. */
  private readonly lifecycle: boolean;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly channel: vscode.LogOutputChannel,
  ) {
    this.log = {
      info: (message) => channel.info(message),
      warn: (message) => channel.warn(message),
      error: (message) => channel.error(message),
      show: () => channel.show(true),
    };
    this.item = vscode.window.createStatusBarItem("fimLsp.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "fim-lsp";
    this.item.command = STATUS_CLICK_COMMAND;
    context.subscriptions.push(
      this.item,
      this.documents,
      vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, this.documents),
    );
    this.lifecycle = proposalEnabled(context.extension?.packageJSON);
    if (!this.lifecycle) {
      channel.info(
        `VS Code did not enable the API proposal ${PROPOSAL} for this extension, so shown and partly accepted ` +
          "suggestions are not reported to the server (see the README to turn it on)",
      );
    }
  }

  get secrets(): Host["secrets"] {
    const storage = this.context.secrets;
    return {
      get: async (name) => storage.get(name),
      store: async (name, value) => storage.store(name, value),
      delete: async (name) => storage.delete(name),
    };
  }

  private configuration(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, this.folder()?.uri);
  }

  private folder(): vscode.WorkspaceFolder | undefined {
    const active = vscode.window.activeTextEditor?.document.uri;
    return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  setting<T>(key: string): T | undefined {
    return this.configuration().get<T>(key);
  }

  inspect = (key: string) => this.configuration().inspect(key);

  async update(key: string, value: unknown, target: Target): Promise<void> {
    await this.configuration().update(key, value, TARGETS[target]);
  }

  commandContext(): CommandContext {
    return {
      env: process.env,
      platform: process.platform,
      home: os.homedir(),
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      isExecutable,
    };
  }

  get bundledServer(): string {
    return path.join(this.context.extensionUri.fsPath, ...BUNDLED_SERVER);
  }

  async pythonCandidates(): Promise<Candidate[]> {
    const candidates: Candidate[] = [];
    const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
    if (extension !== undefined) {
      candidates.push({ command: await this.pythonExtensionInterpreter(extension), from: "the Python extension's interpreter" });
    }
    const context = this.commandContext();
    for (const name of ["python3", "python"]) {
      candidates.push({ command: which(name, context), from: `${name} on PATH` });
    }
    return candidates;
  }

  private async pythonExtensionInterpreter(extension: vscode.Extension<unknown>): Promise<string | undefined> {
    try {
      const api = await withTimeout(extension.isActive ? Promise.resolve(extension.exports) : extension.activate(), PYTHON_API_MS);
      return await withTimeout(activeInterpreter(api, this.folder()?.uri), PYTHON_API_MS);
    } catch (error) {
      this.log.warn(`the Python extension did not name an interpreter: ${String(error)}`);
      return undefined;
    }
  }

  /** Calls `listener` when the Python extension's interpreter changes (if it is installed). */
  onPythonChanged(listener: () => unknown): vscode.Disposable | undefined {
    const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
    if (extension === undefined) {
      return undefined;
    }
    let subscription: vscode.Disposable | undefined;
    let disposed = false;
    void withTimeout(extension.isActive ? Promise.resolve(extension.exports) : extension.activate(), PYTHON_API_MS).then(
      (api) => {
        const event = (api as { environments?: { onDidChangeActiveEnvironmentPath?: vscode.Event<unknown> } } | undefined)?.environments
          ?.onDidChangeActiveEnvironmentPath;
        if (!disposed && typeof event === "function") {
          subscription = event(() => listener());
        }
      },
      () => undefined, // already told by pythonCandidates
    );
    return new vscode.Disposable(() => {
      disposed = true;
      subscription?.dispose();
    });
  }

  probePython: Probe = (command) =>
    new Promise((resolve) => {
      execFile(command, PROBE_ARGS, { timeout: PROBE_MS, windowsHide: true }, (error, stdout, stderr) => {
        const version = parseVersion(String(stdout));
        if (error !== null || version === undefined) {
          const said = String(stderr).trim().split("\n").at(-1) ?? "";
          resolve({ error: error?.message.split("\n")[0] ?? (said || `unexpected answer ${JSON.stringify(String(stdout).trim())}`) });
          return;
        }
        resolve({ version });
      });
    });

  createClient(spec: ClientSpec): Client {
    return createClient(spec, this.channel, this.lifecycle);
  }

  showStatus(look: Look): void {
    const last = this.shown;
    if (last !== undefined && last.text === look.text && last.label === look.label && last.tone === look.tone) {
      return; // the busy flag flips on every request: touch the item only when its look changes
    }
    this.shown = look;
    this.item.text = look.text;
    this.item.tooltip = look.label;
    this.item.accessibilityInformation = { label: look.label, role: "button" };
    this.item.backgroundColor =
      look.tone === undefined ? undefined : new vscode.ThemeColor(`statusBarItem.${look.tone}Background`);
    if (last === undefined) {
      this.item.show();
    }
  }

  showError(message: string, ...actions: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showErrorMessage(message, ...actions));
  }

  showInfo(message: string): void {
    void vscode.window.showInformationMessage(message);
  }

  showDocument(name: string, content: string): Promise<void> {
    return this.documents.show(name, content);
  }

  async pickProvider(choices: readonly Provider[]): Promise<Provider | undefined> {
    const picked = await vscode.window.showQuickPick(
      choices.map((provider) => ({ label: provider, description: KEY_VARIABLE[provider], detail: CATALOG[provider].baseUrl, provider })),
      { title: "fim-lsp: which provider is the API key for?", ignoreFocusOut: true },
    );
    return picked?.provider;
  }

  showServerMessage(type: number, message: string): void {
    const show = type === 1 ? vscode.window.showErrorMessage : type === 2 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(message);
  }

  askKey(provider: Provider, variable: string, required: boolean): Promise<string | undefined> {
    const when = required ? "" : "Only if your server asks for one. ";
    return Promise.resolve(
      vscode.window.showInputBox({
        title: `fim-lsp: API key for ${provider}`,
        prompt: `${when}Kept in VS Code's secret storage; the server gets it only as ${variable} in its environment.`,
        password: true,
        ignoreFocusOut: true,
        placeHolder: "paste the key",
      }),
    );
  }

  openInstallHelp(): void {
    const readme = vscode.Uri.joinPath(this.context.extensionUri, "README.md");
    void vscode.commands.executeCommand("markdown.showPreview", readme);
  }

  openSettings(): void {
    void vscode.commands.executeCommand("workbench.action.openSettings", "fimLsp.server");
  }
}

function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
