/** Turn the `fimLsp.server.*` settings into a command line and environment (no vscode import). */

import * as path from "node:path";

export interface CommandContext {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  home: string;
  workspaceFolder: string | undefined;
  /** True if `file` exists and may be executed. */
  isExecutable: (file: string) => boolean;
}

export type Resolved =
  | { ok: true; command: string; args: string[] }
  | { ok: false; command: string; reason: string };

const PYTHON = /^python(\d+(\.\d+)*)?(w)?(\.exe)?$/i;

/** True if `command` names a Python interpreter, which then runs the server as `-m fim_lsp`. */
export function isPython(command: string): boolean {
  return PYTHON.test(path.basename(command));
}

/** Expand `~`, `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in a setting. */
export function expand(value: string, ctx: CommandContext): string {
  let out = value.trim();
  if (out === "~" || out.startsWith("~/") || out.startsWith("~\\")) {
    out = ctx.home + out.slice(1);
  }
  return out.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (all, name: string, variable?: string) => {
    if (name === "userHome") {
      return ctx.home;
    }
    if (name === "workspaceFolder") {
      return ctx.workspaceFolder ?? all;
    }
    return ctx.env[variable ?? ""] ?? "";
  });
}

function candidates(name: string, ctx: CommandContext): string[] {
  if (ctx.platform !== "win32" || path.extname(name) !== "") {
    return [name];
  }
  const extensions = (ctx.env["PATHEXT"] ?? ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean);
  return [name, ...extensions.map((extension) => name + extension.toLowerCase())];
}

/** Find `name` the way a shell would: a path is checked as is, a bare name is looked up on PATH. */
export function which(name: string, ctx: CommandContext): string | undefined {
  const separator = ctx.platform === "win32" ? /[\\/]/ : /\//;
  if (separator.test(name)) {
    const full = path.isAbsolute(name) ? name : path.resolve(ctx.workspaceFolder ?? process.cwd(), name);
    return candidates(full, ctx).find(ctx.isExecutable);
  }
  const dirs = (ctx.env["PATH"] ?? ctx.env["Path"] ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const found = candidates(path.join(dir, name), ctx).find(ctx.isExecutable);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** The server's command line, or why it cannot be started. `--stdio` is added by the client library. */
export function resolveCommand(setting: string, extraArgs: readonly string[], ctx: CommandContext): Resolved {
  const wanted = expand(setting || "fim-lsp", ctx);
  const args = extraArgs.map((arg) => expand(arg, ctx));
  const found = which(wanted, ctx);
  if (found === undefined) {
    const where = wanted.includes("/") || wanted.includes("\\") ? "does not exist or is not executable" : "was not found on PATH";
    return { ok: false, command: wanted, reason: `the server command "${wanted}" ${where}` };
  }
  if (isPython(found) && !args.includes("-m")) {
    args.unshift("-m", "fim_lsp");
  }
  return { ok: true, command: found, args };
}
