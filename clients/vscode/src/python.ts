/**
 * Which Python runs the server bundled with the extension: the Python extension's interpreter when
 * it has one, else `python3` (then `python`) on PATH; the first that is 3.11 or newer (no vscode import).
 */

export const MIN_VERSION: readonly [number, number] = [3, 11];

/** Where the bundled server's entry point lives, relative to the extension's folder. */
export const BUNDLED_SERVER = ["bundled", "tool", "fim_lsp_server.py"] as const;

/** An interpreter to try; `command` is undefined when it was looked for and not found. */
export interface Candidate {
  command: string | undefined;
  /** For messages: "the Python extension's interpreter", "python3 on PATH". */
  from: string;
}

/** Run `command` and tell its version, or why it could not be asked. */
export type Probe = (command: string) => Promise<{ version: [number, number] } | { error: string }>;

export type Picked =
  | { ok: true; command: string; version: string; from: string; skipped: string[] }
  | { ok: false; reason: string };

const show = (version: readonly [number, number]) => `${version[0]}.${version[1]}`;

function oldEnough(version: readonly [number, number]): boolean {
  return version[0] > MIN_VERSION[0] || (version[0] === MIN_VERSION[0] && version[1] >= MIN_VERSION[1]);
}

/** The first candidate that runs and is new enough; otherwise a reason that names what was found. */
export async function pickPython(candidates: readonly Candidate[], probe: Probe): Promise<Picked> {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate.command === undefined) {
      found.push(`${candidate.from}: none`);
      continue;
    }
    if (seen.has(candidate.command)) {
      continue;
    }
    seen.add(candidate.command);
    const answer = await probe(candidate.command);
    if ("error" in answer) {
      found.push(`${candidate.from} (${candidate.command}) did not run: ${answer.error}`);
    } else if (!oldEnough(answer.version)) {
      found.push(`${candidate.from} (${candidate.command}) is Python ${show(answer.version)}`);
    } else {
      return { ok: true, command: candidate.command, version: show(answer.version), from: candidate.from, skipped: found };
    }
  }
  return {
    ok: false,
    reason:
      `the server bundled with the extension needs Python ${show(MIN_VERSION)} or newer, and none was found ` +
      `(${found.join("; ")}). Install Python ${show(MIN_VERSION)}+ (or choose one in the Python extension), ` +
      "or set fimLsp.server.command",
  };
}

/** The part of the Python extension's API (`ms-python.python`'s exports) used here. */
export interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: unknown): { path: string } | undefined;
    resolveEnvironment(environment: { path: string } | string): Promise<{ executable?: { uri?: { fsPath: string } } } | undefined>;
  };
}

/** The interpreter the Python extension chose for `resource`, if it says. */
export async function activeInterpreter(api: unknown, resource: unknown): Promise<string | undefined> {
  const environments = (api as PythonApi | undefined)?.environments;
  if (environments === undefined || typeof environments.getActiveEnvironmentPath !== "function") {
    return undefined;
  }
  const active = environments.getActiveEnvironmentPath(resource);
  if (active === undefined) {
    return undefined;
  }
  const resolved = await environments.resolveEnvironment(active);
  return resolved?.executable?.uri?.fsPath ?? undefined;
}

/** What the probe runs: prints `major.minor`, ignoring the user's PYTHON* variables and site. */
export const PROBE_ARGS = ["-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"];

/** Read the probe's output. */
export function parseVersion(output: string): [number, number] | undefined {
  const found = /^(\d+)\.(\d+)\s*$/.exec(output.trim());
  return found === null ? undefined : [Number(found[1]), Number(found[2])];
}
