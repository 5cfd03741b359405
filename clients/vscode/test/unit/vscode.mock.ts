/** The parts of the `vscode` API the extension touches, as recording fakes (aliased in vitest.config.mts). */
import { vi } from "vitest";

export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };

export class ThemeColor {
  constructor(readonly id: string) {}
}

export const Uri = {
  joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join("/") }),
  file: (path: string) => ({ path, fsPath: path }),
  from: (parts: { scheme: string; path: string }) => ({ ...parts, toString: () => `${parts.scheme}:${parts.path}` }),
};

export class Disposable {
  constructor(private readonly release: () => void) {}
  dispose() {
    this.release();
  }
}

/** Installed extensions by id (the Python extension's fake goes here). */
export const installed: Map<string, { isActive: boolean; exports: unknown; activate: () => Promise<unknown> }> = new Map();

export const extensions = {
  getExtension: vi.fn((id: string) => installed.get(id)),
};

export class EventEmitter<T> {
  private listeners: Array<(value: T) => void> = [];
  event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  };
  fire(value: T) {
    this.listeners.forEach((listener) => listener(value));
  }
  dispose() {
    this.listeners = [];
  }
}

/** Text providers by scheme, and the documents opened through them (uri, text). */
export const contentProviders: Map<string, { provideTextDocumentContent(uri: unknown): string }> = new Map();
export const opened: Array<{ uri: string; text: string }> = [];

export interface FakeItem {
  text: string;
  tooltip: unknown;
  command: unknown;
  name: string;
  backgroundColor: ThemeColor | undefined;
  accessibilityInformation: unknown;
  show: () => void;
  dispose: () => void;
}

export const items: FakeItem[] = [];
export const logLines: string[] = [];
export const commands_: Map<string, (...args: unknown[]) => unknown> = new Map();
export const settings: Record<string, unknown> = {};

function channel() {
  const record = (level: string) => (message: string) => logLines.push(`[${level}] ${message}`);
  return {
    name: "fim-lsp",
    trace: record("trace"),
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
    append: record("append"),
    appendLine: record("appendLine"),
    show: vi.fn(),
    dispose: vi.fn(),
  };
}

export const window = {
  activeTextEditor: undefined,
  createOutputChannel: vi.fn(() => channel()),
  createStatusBarItem: vi.fn(() => {
    const item: FakeItem = {
      text: "",
      tooltip: undefined,
      command: undefined,
      name: "",
      backgroundColor: undefined,
      accessibilityInformation: undefined,
      show: vi.fn(),
      dispose: vi.fn(),
    };
    items.push(item);
    return item;
  }),
  showErrorMessage: vi.fn(async () => undefined),
  showInformationMessage: vi.fn(async () => undefined),
  showInputBox: vi.fn(async () => undefined),
  showWarningMessage: vi.fn(async () => undefined),
  showQuickPick: vi.fn(async (choices: unknown[]) => choices[0]),
  showTextDocument: vi.fn(async (document: unknown, options: unknown) => ({ document, options })),
};

export const workspace = {
  workspaceFolders: undefined,
  getWorkspaceFolder: () => undefined,
  getConfiguration: vi.fn(() => ({
    get: (key: string) => settings[key],
    inspect: (key: string) => (key in settings ? { globalValue: settings[key] } : {}),
    update: vi.fn(async (key: string, value: unknown) => {
      settings[key] = value;
    }),
  })),
  onDidChangeConfiguration: vi.fn(() => ({ dispose: vi.fn() })),
  registerTextDocumentContentProvider: vi.fn((scheme: string, provider: { provideTextDocumentContent(uri: unknown): string }) => {
    contentProviders.set(scheme, provider);
    return { dispose: vi.fn() };
  }),
  openTextDocument: vi.fn(async (uri: { scheme: string; toString(): string }) => {
    const document = { uri: uri.toString(), text: contentProviders.get(uri.scheme)?.provideTextDocumentContent(uri) ?? "" };
    opened.push(document);
    return document;
  }),
};

/** Inline completion providers registered, with their selectors. */
export interface FakeInlineProvider {
  provideInlineCompletionItems(...args: unknown[]): Promise<unknown>;
  handleDidShowCompletionItem(...args: unknown[]): void;
  handleDidPartiallyAcceptCompletionItem(...args: unknown[]): void;
}
export const inlineProviders: Array<{ selector: unknown; provider: FakeInlineProvider }> = [];

export const languages = {
  registerInlineCompletionItemProvider: vi.fn((selector: unknown, provider: FakeInlineProvider) => {
    inlineProviders.push({ selector, provider });
    return { dispose: vi.fn() };
  }),
};

export const commands = {
  registerCommand: vi.fn((name: string, run: (...args: unknown[]) => unknown) => {
    commands_.set(name, run);
    return { dispose: vi.fn() };
  }),
  executeCommand: vi.fn(async () => undefined),
};
