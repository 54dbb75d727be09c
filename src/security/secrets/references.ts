import type { SecretsManager } from './manager.js';

/**
 * Settings that point at secrets. Any string setting outside the `secrets` section may be:
 *
 * - `secret:NAME` — the whole value is the secret NAME (an API key, or a whole DATABASE_URL);
 * - a text holding `{secret:NAME}` placeholders — each is replaced by the secret; inside a URL
 *   (a text with `://`) the value is percent-encoded, so a password with `@` or `/` stays a
 *   password: `postgres://anvil:{secret:DATABASE_PASSWORD}@db:5432/anvil`.
 *
 * Parsing stays synchronous; createRuntime and the CLI resolve references as one async step
 * before anything connects. The `secrets` section itself is not resolved: it holds the bootstrap
 * credentials of the backends, which cannot come from those backends.
 */
const whole = /^secret:([A-Za-z0-9_][A-Za-z0-9_.-]*)$/;
const placeholder = /\{secret:([A-Za-z0-9_][A-Za-z0-9_.-]*)\}/g;

export interface SecretReference {
  /** Dotted setting path, e.g. `database.url`. */
  setting: string;
  names: string[];
}

export function secretReferences(config: object): SecretReference[] {
  const found: SecretReference[] = [];
  walk(config, [], (text, path) => {
    const names = namesIn(text);
    if (names.length > 0) found.push({ setting: path.join('.'), names });
    return text;
  });
  return found;
}

/** A copy of the config with every reference replaced by its value. */
export async function resolveSecretReferences<T extends object>(config: T, secrets: SecretsManager): Promise<T> {
  const names = [...new Set(secretReferences(config).flatMap((reference) => reference.names))];
  if (names.length === 0) return config;
  const values = new Map<string, string>();
  for (const name of names) values.set(name, await secrets.get(name));
  return walk(config, [], (text) => {
    const match = whole.exec(text);
    if (match) return values.get(match[1]!)!;
    const inUrl = text.includes('://');
    return text.replace(placeholder, (_all, name: string) => (inUrl ? encodeURIComponent(values.get(name)!) : values.get(name)!));
  }) as T;
}

function namesIn(text: string): string[] {
  const match = whole.exec(text);
  if (match) return [match[1]!];
  return [...text.matchAll(placeholder)].map((found) => found[1]!);
}

function walk(value: unknown, path: string[], visit: (text: string, path: string[]) => string): unknown {
  if (typeof value === 'string') return visit(value, path);
  if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, String(index)], visit));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = path.length === 0 && key === 'secrets' ? item : walk(item, [...path, key], visit);
  }
  return copy;
}
