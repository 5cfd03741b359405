/** Route the server's stderr log lines to the log channel at their own level (no vscode import). */

export type Level = "trace" | "debug" | "info" | "warn" | "error";

const LINE = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\s+(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\s+(.*)$/;
const LEVELS: Record<string, Level> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warn",
  WARN: "warn",
  ERROR: "error",
  CRITICAL: "error",
};

/**
 * Parse `2026-11-25 19:10:37,486 INFO fim_lsp.app: ...` (the server's log format) into a level and
 * the text without its time stamp (the channel adds its own). Other lines (e.g. a traceback) are
 * errors, shown as they are.
 */
export function parseServerLine(line: string): { level: Level; text: string } {
  const found = LINE.exec(line);
  if (found === null) {
    return { level: "error", text: line };
  }
  return { level: LEVELS[found[1] ?? "ERROR"] ?? "error", text: found[2] ?? "" };
}
