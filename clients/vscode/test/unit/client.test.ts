import { beforeEach, describe, expect, it, vi } from "vitest";
import * as vscode from "vscode";
import { createClient } from "../../src/client";
import type { ClientSpec } from "../../src/controller";
import { DID_PARTIALLY_ACCEPT, DID_SHOW } from "../../src/lifecycle";
import { PROPOSAL, proposalEnabled } from "../../src/proposed";
import { inlineProviders } from "./vscode.mock";

// a small stand-in for vscode-languageclient (CommonJS, it requires the real `vscode`): a client
// that registers its built-in features from the constructor, as v11 does, and the feature base class
vi.mock("vscode-languageclient/node", () => {
  const INLINE = "textDocument/inlineCompletion";
  class TextDocumentLanguageFeature {
    constructor(
      readonly _client: unknown,
      readonly registrationType: { method: string },
    ) {}
    getRegistrationOptions(selector: unknown, capability: unknown) {
      return capability ? { documentSelector: selector } : undefined;
    }
    register(data: { registerOptions: unknown }) {
      (this as unknown as { registerLanguageProvider(options: unknown): unknown }).registerLanguageProvider(data.registerOptions);
    }
  }
  class LanguageClient {
    features: unknown[] = [];
    options: { errorHandler: { closed(): Promise<unknown>; error(...args: unknown[]): Promise<unknown> } };
    middleware = {};
    sendRequest = vi.fn();
    sendNotification = vi.fn(async () => undefined);
    handleFailedRequest = vi.fn((_type: unknown, _token: unknown, _error: unknown, fallback: unknown) => fallback);
    code2ProtocolConverter = { asInlineCompletionParams: (_d: unknown, position: unknown) => ({ position }) };
    protocol2CodeConverter = {
      asDocumentSelector: (selector: unknown) => selector,
      asInlineCompletionResult: async (answer: { items: Array<{ insertText: string }> } | null) =>
        answer === null ? undefined : { items: answer.items.map((item) => ({ insertText: item.insertText, converted: true })) },
    };
    constructor(_id: string, _name: string, _server: unknown, options: LanguageClient["options"]) {
      this.options = options;
      this.registerFeature({ name: "hover", registrationType: { method: "textDocument/hover" } });
      this.registerFeature({ name: "built-in inline", registrationType: { method: INLINE } });
    }
    registerFeature(feature: unknown) {
      this.features.push(feature);
    }
    // the library's default policy, reduced: `maxRestartCount` restarts, then no more
    createDefaultErrorHandler(maxRestartCount: number) {
      let restarts = 0;
      return {
        error: async () => ({ action: 1 }),
        closed: async () => ({ action: ++restarts <= maxRestartCount ? 2 : 1 }),
      };
    }
  }
  return {
    LanguageClient,
    TextDocumentLanguageFeature,
    InlineCompletionRequest: { method: INLINE, type: { method: INLINE } },
    TransportKind: { stdio: 0 },
    CloseAction: { DoNotRestart: 1, Restart: 2 },
    ErrorAction: { Continue: 1, Shutdown: 2 },
  };
});

interface FakeClient {
  options: { errorHandler: { closed(): Promise<unknown>; error(...args: unknown[]): Promise<unknown> } };
  features: Array<{ name?: string; register(data: unknown): void; initialize(capabilities: unknown, selector: unknown): void }>;
  sendRequest: ReturnType<typeof vi.fn>;
  sendNotification: ReturnType<typeof vi.fn>;
}

const spec: ClientSpec = {
  command: "fim-lsp",
  args: [],
  env: {},
  cwd: undefined,
  section: () => ({}),
  maxRestarts: 3,
  onClosed: () => false,
};
const log = vscode.window.createOutputChannel("fim-lsp", { log: true }) as unknown as vscode.LogOutputChannel;
const SENT = { insertText: "return a + b", command: { title: "accepted", command: "fimLsp.accepted", arguments: ["s-7"] } };
const token = { isCancellationRequested: false };

describe("createClient", () => {
  beforeEach(() => {
    inlineProviders.length = 0;
  });

  it("keeps the library's inline completion feature when VS Code did not enable the proposal", () => {
    const client = createClient(spec, log, false) as unknown as FakeClient;
    expect(client.features.map((feature) => feature.name)).toEqual(["hover", "built-in inline"]);
  });

  it("with the proposal, its provider reports shown and partly accepted items as the server sent them", async () => {
    const client = createClient(spec, log, true) as unknown as FakeClient;
    expect(client.features[0]?.name).toBe("hover");
    expect(client.features[1]?.name).toBeUndefined(); // replaced, in the same place
    client.features[1]!.initialize({ inlineCompletionProvider: true }, [{ scheme: "file" }]);
    expect(inlineProviders).toHaveLength(1);
    const { selector, provider } = inlineProviders[0]!;
    expect(selector).toEqual([{ scheme: "file" }]);

    client.sendRequest.mockResolvedValueOnce({ items: [SENT] });
    const answer = (await provider.provideInlineCompletionItems({}, { line: 1, character: 4 }, {}, token)) as { items: object[] };
    expect(client.sendRequest.mock.calls[0]?.[1]).toEqual({ position: { line: 1, character: 4 } });
    const shown = answer.items[0]!;
    expect(shown).toEqual({ insertText: "return a + b", converted: true });

    provider.handleDidShowCompletionItem(shown, "return a + b");
    provider.handleDidPartiallyAcceptCompletionItem(shown, 6);
    provider.handleDidPartiallyAcceptCompletionItem(shown, { kind: 0, acceptedLength: 6 });
    expect(client.sendNotification.mock.calls).toEqual([
      [DID_SHOW, { item: SENT }],
      [DID_PARTIALLY_ACCEPT, { item: SENT, acceptedLength: 6 }],
    ]);
  });

  it("answers a failed request through the library's handler, and registers nothing without the capability", async () => {
    const client = createClient(spec, log, true) as unknown as FakeClient;
    client.features[1]!.initialize({}, [{ scheme: "file" }]);
    expect(inlineProviders).toHaveLength(0);
    client.features[1]!.initialize({ inlineCompletionProvider: true }, [{ scheme: "file" }]);
    client.sendRequest.mockRejectedValueOnce(new Error("boom"));
    expect(await inlineProviders[0]!.provider.provideInlineCompletionItems({}, {}, {}, token)).toBeNull();
  });

  it("restarts as the library's own policy decides, and lets the controller show it", async () => {
    const verdicts: boolean[] = [];
    const client = createClient({ ...spec, maxRestarts: 2, onClosed: (restart) => (verdicts.push(restart), restart) }, log, false) as unknown as FakeClient;
    const closed = [];
    for (let i = 0; i < 3; i += 1) {
      closed.push(await client.options.errorHandler.closed());
    }
    expect(verdicts).toEqual([true, true, false]);
    expect(closed).toEqual([
      { action: 2, handled: true },
      { action: 2, handled: true },
      { action: 1, handled: true },
    ]);
    expect(await client.options.errorHandler.error(new Error("x"), undefined, 1)).toEqual({ action: 1, handled: true });
  });
});

describe("proposalEnabled", () => {
  it.each([
    [{ enabledApiProposals: [PROPOSAL] }, true],
    [{ enabledApiProposals: ["other", PROPOSAL] }, true],
    [{ enabledApiProposals: [] }, false], // VS Code empties it when the user did not allow the proposal
    [{ enabledApiProposals: "inlineCompletionsAdditions" }, false],
    [{}, false],
    [undefined, false],
    [null, false],
  ])("%j → %s", (packageJSON, expected) => {
    expect(proposalEnabled(packageJSON)).toBe(expected);
  });
});
