/** Where API keys are stored and how they reach the server: only as its process environment. */

export const PROVIDERS = ["mistral", "codestral"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The environment variable the server reads the key from, per provider (README "Quick start"). */
export const KEY_VARIABLE: Record<Provider, string> = {
  mistral: "MISTRAL_API_KEY",
  codestral: "CODESTRAL_API_KEY",
};

export function asProvider(value: unknown): Provider {
  return value === "codestral" ? "codestral" : "mistral";
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
