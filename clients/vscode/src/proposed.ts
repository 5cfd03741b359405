/**
 * Everything that relies on VS Code's proposed API `inlineCompletionsAdditions`: whether VS Code
 * enabled it for us, and a language client whose inline completion provider has its handlers, so
 * shown and partly accepted suggestions reach the server (see lifecycle.ts).
 */

import * as vscode from "vscode";
import {
  type ClientCapabilities,
  type DocumentSelector,
  type DynamicFeature,
  type FeatureClient,
  type InlineCompletionOptions,
  type InlineCompletionRegistrationOptions,
  InlineCompletionRequest,
  LanguageClient,
  type Middleware,
  type ServerCapabilities,
  type StaticFeature,
  TextDocumentLanguageFeature,
} from "vscode-languageclient/node";
import { randomUUID } from "node:crypto";
import { Lifecycle, itemsOf } from "./lifecycle";

/** The VS Code API proposal whose provider handlers report showing and partial accepts. */
export const PROPOSAL = "inlineCompletionsAdditions";

/**
 * Whether VS Code left `PROPOSAL` enabled for us: it empties `enabledApiProposals` in the extension's
 * description (`context.extension.packageJSON`) unless the user allowed it (`--enable-proposed-api`).
 * Only then may the provider carry the handlers; otherwise registering it throws.
 */
export function proposalEnabled(packageJSON: unknown): boolean {
  if (typeof packageJSON !== "object" || packageJSON === null) {
    return false;
  }
  const proposals: unknown = (packageJSON as { enabledApiProposals?: unknown }).enabledApiProposals;
  return Array.isArray(proposals) && proposals.includes(PROPOSAL);
}

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
export class LifecycleLanguageClient extends LanguageClient {
  // called from the base constructor for each built-in feature
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    const builtIn =
      !(feature instanceof LifecycleInlineCompletionFeature) &&
      "registrationType" in feature &&
      feature.registrationType.method === InlineCompletionRequest.method;
    super.registerFeature(builtIn ? new LifecycleInlineCompletionFeature(this) : feature);
  }
}
