/** The status bar item's look for each state, from the server's `fimLsp/status` notification (no vscode import). */

export const STATUS_NOTIFICATION = "fimLsp/status";

/**
 * What the server sends: `{kind, busy, message}` (README "What the editor sees"), and for a problem
 * the editor can help with a `code` that names it, whatever the message's words.
 */
export interface ServerStatus {
  kind: "normal" | "warning" | "error" | "inactive";
  busy: boolean;
  message: string;
  /** `missingKey`: the provider that serves needs a key and has none. */
  code?: string;
  /** With `missingKey`: the provider (or `auto`) and the variable its key is read from. */
  provider?: string;
  keyVariable?: string;
}

export const MISSING_KEY = "missingKey";

export type State =
  | { phase: "starting" }
  | { phase: "running"; status: ServerStatus }
  | { phase: "failed"; message: string }
  | { phase: "stopped" };

export interface Look {
  text: string;
  /** Full sentence: the tooltip and the accessible label. */
  label: string;
  tone: "error" | "warning" | undefined;
  /** What a click does. */
  click: "toggle" | "showLog" | "setKey";
}

const KINDS = new Set(["normal", "warning", "error", "inactive"]);

/** Validate a notification's params; anything malformed is ignored (undefined). */
export function parseStatus(params: unknown): ServerStatus | undefined {
  if (typeof params !== "object" || params === null) {
    return undefined;
  }
  const { kind, busy, message, code, provider, keyVariable } = params as Record<string, unknown>;
  if (typeof kind !== "string" || !KINDS.has(kind)) {
    return undefined;
  }
  return {
    kind: kind as ServerStatus["kind"],
    busy: busy === true,
    message: typeof message === "string" ? message : "",
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof provider === "string" ? { provider } : {}),
    ...(typeof keyVariable === "string" ? { keyVariable } : {}),
  };
}

/**
 * What VS Code users are told of a missing key: VS Code's way to set one (the command and its
 * secret storage), not the server's advice for a terminal.
 */
export function missingKeyText(status: ServerStatus): string {
  const storage = "VS Code keeps it in its secret storage";
  if (status.provider !== undefined && status.provider !== "auto") {
    const variable = status.keyVariable !== undefined ? ` (${status.keyVariable})` : "";
    return `no API key for ${status.provider}${variable}. Set one with "fim-lsp: Set API Key"; ${storage}.`;
  }
  return (
    `no API key, and no local model answered. Set a Mistral or Codestral key with "fim-lsp: Set API Key" ` +
    `(${storage}), or choose a local provider in the fimLsp.provider setting.`
  );
}

export function look(state: State): Look {
  switch (state.phase) {
    case "starting":
      return { text: "$(loading~spin) fim-lsp", label: "fim-lsp: starting the server", tone: undefined, click: "showLog" };
    case "failed":
      return { text: "$(error) fim-lsp", label: `fim-lsp: ${state.message}`, tone: "error", click: "showLog" };
    case "stopped":
      return { text: "$(debug-stop) fim-lsp", label: "fim-lsp: the server is stopped", tone: "warning", click: "showLog" };
    case "running":
      return lookRunning(state.status);
  }
}

function lookRunning(status: ServerStatus): Look {
  const said = status.message.trim();
  if (status.code === MISSING_KEY && status.kind !== "inactive") {
    return { text: "$(key) fim-lsp", label: `fim-lsp: ${missingKeyText(status)} Click to set it.`, tone: "error", click: "setKey" };
  }
  switch (status.kind) {
    case "error":
      return { text: "$(error) fim-lsp", label: `fim-lsp error: ${said || "see the log"}`, tone: "error", click: "showLog" };
    case "warning":
      return { text: "$(warning) fim-lsp", label: `fim-lsp warning: ${said || "see the log"}`, tone: "warning", click: "showLog" };
    case "inactive":
      return {
        text: "$(circle-slash) fim-lsp",
        label: `fim-lsp: disabled${said && said !== "disabled" ? ` (${said})` : ""}; click to turn on`,
        tone: undefined,
        click: "toggle",
      };
    case "normal":
      if (status.busy) {
        return { text: "$(sync~spin) fim-lsp", label: "fim-lsp: working", tone: undefined, click: "toggle" };
      }
      return { text: "$(check) fim-lsp", label: "fim-lsp: ready; click to turn off", tone: undefined, click: "toggle" };
  }
}
