/** Entry point: wire the controller to commands, configuration and secret events. */

import * as vscode from "vscode";
import { Controller } from "./controller";
import { STATUS_CLICK_COMMAND, VscodeHost } from "./host";

let controller: Controller | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel("fim-lsp", { log: true });
  context.subscriptions.push(channel);
  const host = new VscodeHost(context, channel);
  const control = new Controller(host);
  controller = control;
  context.subscriptions.push(
    vscode.commands.registerCommand("fimLsp.restart", () => control.restart()),
    vscode.commands.registerCommand("fimLsp.setApiKey", () => control.setApiKey()),
    vscode.commands.registerCommand("fimLsp.clearApiKey", () => control.clearApiKey()),
    vscode.commands.registerCommand("fimLsp.toggle", () => control.toggle()),
    vscode.commands.registerCommand("fimLsp.showLog", () => channel.show(true)),
    vscode.commands.registerCommand("fimLsp.showStats", () => control.showStats()),
    vscode.commands.registerCommand("fimLsp.showLastRequest", () => control.showLastRequest()),
    vscode.commands.registerCommand(STATUS_CLICK_COMMAND, () => control.statusClicked()),
    vscode.workspace.onDidChangeConfiguration((event) => control.configurationChanged((section) => event.affectsConfiguration(section))),
    context.secrets.onDidChange((event) => control.secretChanged(event.key)),
  );
  const python = host.onPythonChanged(() => control.interpreterChanged());
  if (python !== undefined) {
    context.subscriptions.push(python);
  }
  void control.restart();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}
