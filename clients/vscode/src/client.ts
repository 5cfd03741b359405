/**
 * Build the vscode-languageclient `LanguageClient` for a `ClientSpec`; inline completion is built
 * into v11, and replaced by one whose provider also reports shown and partly accepted suggestions
 * when VS Code lets us (see lifecycle.ts).
 */

import * as vscode from "vscode";
import {
  type ClientCapabilities,
  CloseAction,
  type ConfigurationParams,
  type DocumentSelector,
  type DynamicFeature,
  ErrorAction,
  type FeatureClient,
  type InlineCompletionOptions,
  type InlineCompletionRegistrationOptions,
  InlineCompletionRequest,
  LanguageClient,
  type LanguageClientOptions,
  type Middleware,
  type ServerCapabilities,
  type ServerOptions,
  type StaticFeature,
  TextDocumentLanguageFeature,
  TransportKind,
} from "vscode-languageclient/node";
import { randomUUID } from "node:crypto";
import * as readline from "node:readline";
import type { Client, ClientSpec } from "./controller";
import { Lifecycle, itemsOf } from "./lifecycle";
import { parseServerLine } from "./log";
import { answerConfiguration } from "./settings";

export const CLIENT_ID = "fimLsp";
export const CLIENT_NAME = "fim-lsp";

/** The handlers of the proposed API `inlineCompletionsAdditions` (not in @types/vscode). */
interface LifecycleProvider extends vscode.InlineCompletionItemProvider {
  handleDidShowCompletionItem(item: vscode.InlineCompletionItem, updatedInsertText: string): void;
  handleDidPartiallyAcceptCompletionItem(item: vscode.InlineCompletionItem, acceptedLengthOrInfo: unknown): void;
}

/**
 * The library's inline completion feature (its request, conversion, middleware and error handling
 * as in vscode-languageclient 11.0.0), with a provider that has the lifecycle handlers. The
 * library builds its provider privately, so the handlers cannot be added to that one.
 */
class LifecycleInlineCompletionFeature extends TextDocumentLanguageFeature<
  boolean | InlineCompletionOptions,
  InlineCompletionRegistrationOptions,
  LifecycleProvider,
  Middleware
> {
  private readonly lifecycle: Lifecycle<vscode.InlineCompletionItem>;

  constructor(client: FeatureClient<Middleware>) {
    super(client, InlineCompletionRequest.type);
    this.lifecycle = new Lifecycle((method, params) => {
      client.sendNotification(method, params).catch(() => undefined); // the server may be stopping
    });
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.textDocument ??= {};
    capabilities.textDocument.inlineCompletion = { dynamicRegistration: true };
  }

  initialize(capabilities: ServerCapabilities, documentSelector: DocumentSelector): void {
    const options = this.getRegistrationOptions(documentSelector, capabilities.inlineCompletionProvider);
    if (options !== undefined) {
      this.register({ id: randomUUID(), registerOptions: options });
    }
  }

  protected registerLanguageProvider(options: InlineCompletionRegistrationOptions): [vscode.Disposable, LifecycleProvider] {
    const client = this._client;
    const provider: LifecycleProvider = {
      provideInlineCompletionItems: (document, position, context, token) => {
        const provide = (
          document: vscode.TextDocument,
          position: vscode.Position,
          context: vscode.InlineCompletionContext,
          token: vscode.CancellationToken,
        ) =>
          client
            .sendRequest(InlineCompletionRequest.type, client.code2ProtocolConverter.asInlineCompletionParams(document, position, context), token)
            .then(
              async (answer) => {
                if (token.isCancellationRequested) {
                  return null;
                }
                const converted = await client.protocol2CodeConverter.asInlineCompletionResult(answer, token);
                this.lifecycle.remember(itemsOf(converted), itemsOf(answer));
                return converted;
              },
              (error: unknown) => client.handleFailedRequest(InlineCompletionRequest.type, token, error, null),
            );
        const middleware = client.middleware;
        return middleware.provideInlineCompletionItems !== undefined
          ? middleware.provideInlineCompletionItems(document, position, context, token, provide)
          : provide(document, position, context, token);
      },
      handleDidShowCompletionItem: (item) => this.lifecycle.shown(item),
      handleDidPartiallyAcceptCompletionItem: (item, acceptedLengthOrInfo) => this.lifecycle.partiallyAccepted(item, acceptedLengthOrInfo),
    };
    const selector = client.protocol2CodeConverter.asDocumentSelector(options.documentSelector ?? []);
    return [vscode.languages.registerInlineCompletionItemProvider(selector, provider), provider];
  }
}

/** A `LanguageClient` whose inline completion feature is `LifecycleInlineCompletionFeature`. */
class LifecycleLanguageClient extends LanguageClient {
  // called from the base constructor for each built-in feature
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    const builtIn =
      !(feature instanceof LifecycleInlineCompletionFeature) &&
      "registrationType" in feature &&
      feature.registrationType.method === InlineCompletionRequest.method;
    super.registerFeature(builtIn ? new LifecycleInlineCompletionFeature(this) : feature);
  }
}

/** `lifecycle`: VS Code enabled the `inlineCompletionsAdditions` proposal for us (see lifecycle.ts). */
export function createClient(spec: ClientSpec, log: vscode.LogOutputChannel, lifecycle: boolean): Client {
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
      error: () => ({ action: ErrorAction.Continue }),
      closed: () =>
        spec.onClosed()
          ? { action: CloseAction.Restart, handled: true }
          : { action: CloseAction.DoNotRestart, handled: true },
    },
    middleware: {
      workspace: {
        configuration: async (params: ConfigurationParams, token, next) =>
          answerConfiguration(params.items, await next(params, token), spec.section) as unknown[],
      },
    },
  };
  const Kind = lifecycle ? LifecycleLanguageClient : LanguageClient;
  return new Kind(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
