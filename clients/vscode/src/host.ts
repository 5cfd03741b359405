/** The one place that calls the vscode API on the controller's behalf (everything else is testable without it). */

import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import { createClient } from "./client";
import type { CommandContext } from "./command";
import type { Client, ClientSpec, Host, Logger } from "./controller";
import type { Provider } from "./keys";
import { PROPOSAL, proposalEnabled } from "./proposed";
import { SECTION, type Target } from "./settings";
import type { Look } from "./status";

export const STATUS_CLICK_COMMAND = "fimLsp.statusClicked";
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

  askKey(provider: Provider, variable: string): Promise<string | undefined> {
    return Promise.resolve(
      vscode.window.showInputBox({
        title: `fim-lsp: API key for ${provider}`,
        prompt: `Stored in the editor's secret storage; the server gets it only as ${variable} in its environment.`,
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
