/**
 * Build the vscode-languageclient `LanguageClient` for a `ClientSpec`: inline completion is built
 * into v11 (with the proposed API, proposed.ts's client adds the lifecycle handlers), and restarts
 * after a crash follow the library's own policy.
 */

import type * as vscode from "vscode";
import {
  CloseAction,
  type ConfigurationParams,
  type ErrorHandler,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import * as readline from "node:readline";
import type { Client, ClientSpec } from "./controller";
import { parseServerLine } from "./log";
import { LifecycleLanguageClient } from "./proposed";
import { answerConfiguration } from "./settings";

export const CLIENT_ID = "fimLsp";
export const CLIENT_NAME = "fim-lsp";

/** `lifecycle`: VS Code enabled the `inlineCompletionsAdditions` proposal for us (see proposed.ts). */
export function createClient(spec: ClientSpec, log: vscode.LogOutputChannel, lifecycle: boolean): Client {
  // the library's own error handler decides on restarts (at most `maxRestarts` in 3 minutes); it
  // needs the client, so it is made just after it; the controller shows what was decided
  let policy: ErrorHandler | undefined;
  const serverOptions: ServerOptions = {
    command: spec.command,
    args: spec.args,
    transport: TransportKind.stdio,
    options: { env: spec.env, ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}) },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    outputChannel: log,
    traceOutputChannel: log,
    initializationOptions: { fimLsp: spec.section() },
    stdioOptions: {
      stdout: () => undefined, // stdout is the protocol; the library reads it itself
      stderr: (input) => {
        readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on("line", (line) => {
          const { level, text } = parseServerLine(line);
          log[level](text);
        });
      },
    },
    errorHandler: {
      error: async (error, message, count) => ({ ...(await policy!.error(error, message, count)), handled: true }),
      closed: async () => {
        const verdict = await policy!.closed();
        return spec.onClosed(verdict.action === CloseAction.Restart)
          ? { action: CloseAction.Restart, handled: true }
          : { action: CloseAction.DoNotRestart, handled: true };
      },
    },
    middleware: {
      workspace: {
        configuration: async (params: ConfigurationParams, token, next) =>
          answerConfiguration(params.items, await next(params, token), spec.section) as unknown[],
      },
    },
  };
  const Kind = lifecycle ? LifecycleLanguageClient : LanguageClient;
  const client = new Kind(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  policy = client.createDefaultErrorHandler(spec.maxRestarts);
  return client;
}
