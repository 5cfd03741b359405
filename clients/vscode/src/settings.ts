/** The `fimLsp` settings the server reads, and the part of them the extension sends it (no vscode import). */

import { SERVER_KEYS, USER_KEYS } from "./serverSettings.generated";

// Both lists are generated from the server's settings definition (`python -m fim_lsp.settings_copies`).
export { SERVER_KEYS, USER_KEYS };

export type ServerKey = (typeof SERVER_KEYS)[number];
export const SECTION = "fimLsp";

/** What `WorkspaceConfiguration.inspect` tells about one key (the fields we use). */
export interface Inspected<T = unknown> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  globalLanguageValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

export type Inspect = (key: string) => Inspected | undefined;

/**
 * The effective value of `key` if the user set it where it counts, else undefined (most specific
 * wins). A `USER_KEYS` key counts only from the user's settings: VS Code already ignores
 * it in a workspace's settings for that scope, and this keeps it so should an editor not.
 */
export function explicitValue(key: string, found: Inspected | undefined): unknown {
  if (found === undefined) {
    return undefined;
  }
  const places = USER_KEYS.includes(key)
    ? [found.globalValue]
    : [found.workspaceFolderValue, found.workspaceValue, found.globalValue];
  for (const value of places) {
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/**
 * The section sent to the server: only the settings the user set.
 *
 * Keys left at their defaults are not sent, so the server's own defaults and its `FIM_LSP_*`
 * environment variables stay in force and cannot drift from the defaults declared here.
 */
export function serverSection(inspect: Inspect): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = explicitValue(key, inspect(key));
    if (value !== undefined) {
      section[key] = value;
    }
  }
  return section;
}

/** Where a toggle of `fimLsp.enable` is written: the most specific scope that already sets it. */
export type Target = "global" | "workspace" | "workspaceFolder";

/**
 * What turning `fimLsp.enable` to `wanted` writes, and where: nothing (undefined, the key removed)
 * when the scopes below the target, or the default, already give `wanted`, so settings.json never
 * holds a value that changes nothing.
 */
export function enableWrite(found: Inspected | undefined, wanted: boolean): { target: Target; value: boolean | undefined } {
  const target = enableTarget(found);
  const beneath =
    target === "workspaceFolder"
      ? (found?.workspaceValue ?? found?.globalValue ?? found?.defaultValue)
      : target === "workspace"
        ? (found?.globalValue ?? found?.defaultValue)
        : found?.defaultValue;
  return { target, value: (beneath ?? true) === wanted ? undefined : wanted };
}

export function enableTarget(found: Inspected | undefined): Target {
  if (found?.workspaceFolderValue !== undefined) {
    return "workspaceFolder";
  }
  if (found?.workspaceValue !== undefined) {
    return "workspace";
  }
  return "global";
}

/**
 * Answer a `workspace/configuration` request: our section gets `serverSection`, other items keep
 * what the editor answered.
 */
export function answerConfiguration(
  items: ReadonlyArray<{ section?: string }>,
  answered: unknown,
  section: () => Record<string, unknown>,
): unknown {
  if (!Array.isArray(answered)) {
    return answered;
  }
  return items.map((item, index) => (item.section === SECTION ? section() : answered[index]));
}
