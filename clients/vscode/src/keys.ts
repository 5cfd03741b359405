/** Where API keys are stored and how they reach the server: only as its process environment. */

import { AUTO_KEYS, CATALOG } from "./serverSettings.generated";

/** Every provider the server knows; each reads its key from one variable (the server's catalog). */
export type Provider = keyof typeof CATALOG;
export const PROVIDERS = Object.keys(CATALOG) as Provider[];

/** The environment variable the server reads the key from, per provider. */
export const KEY_VARIABLE = Object.fromEntries(PROVIDERS.map((name) => [name, CATALOG[name].keyVariable])) as Record<Provider, string>;

export function isProvider(value: unknown): value is Provider {
  return typeof value === "string" && Object.hasOwn(CATALOG, value);
}

/**
 * The providers "Set API Key" offers for the `provider` setting: the one it names, or for `auto`
 * (and anything else) those whose key `auto` looks for, in its order.
 */
export function keyChoices(setting: unknown): Provider[] {
  return isProvider(setting) ? [setting] : AUTO_KEYS.map(([, name]) => name);
}

/** Whether the provider cannot work without a key (the others take one only if their server asks). */
export function keyRequired(provider: Provider): boolean {
  return CATALOG[provider].keyRequired;
}

/** The SecretStorage entry that holds a provider's key. */
export function secretName(provider: Provider): string {
  return `fimLsp.apiKey.${provider}`;
}

/**
 * The server's environment: the editor's, plus every stored key under its provider's variable.
 * A stored key wins over one inherited from the editor's environment.
 */
export function serverEnv(
  base: Readonly<Record<string, string | undefined>>,
  stored: Partial<Record<Provider, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined) {
      env[name] = value;
    }
  }
  for (const provider of PROVIDERS) {
    const key = stored[provider];
    if (key !== undefined && key !== "") {
      env[KEY_VARIABLE[provider]] = key;
    }
  }
  return env;
}

/** A pasted key, cleaned: surrounding blanks and quotes removed; undefined if nothing is left. */
export function cleanKey(input: string | undefined): string | undefined {
  if (input === undefined) {
    return undefined;
  }
  const key = input.trim().replace(/^(["'])(.*)\1$/, "$2").trim();
  return key === "" ? undefined : key;
}
