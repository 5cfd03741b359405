/** The status bar item's look for each state, from the server's `fimLsp/status` notification (no vscode import). */

export const STATUS_NOTIFICATION = "fimLsp/status";

/** What the server sends: `{kind, busy, message}` (README "What the editor sees"). */
export interface ServerStatus {
  kind: "normal" | "warning" | "error" | "inactive";
  busy: boolean;
  message: string;
}

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
  click: "toggle" | "showLog";
}

const KINDS = new Set(["normal", "warning", "error", "inactive"]);

/** Validate a notification's params; anything malformed is ignored (undefined). */
export function parseStatus(params: unknown): ServerStatus | undefined {
  if (typeof params !== "object" || params === null) {
    return undefined;
  }
  const { kind, busy, message } = params as Record<string, unknown>;
  if (typeof kind !== "string" || !KINDS.has(kind)) {
    return undefined;
  }
  return {
    kind: kind as ServerStatus["kind"],
    busy: busy === true,
    message: typeof message === "string" ? message : "",
  };
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
