import { configSchema, envBindings } from '../../src/config/index.js';
import { errorCodes } from '../../src/errors.js';
import { settingDescriptions } from '../../src/config/descriptions.js';

/** The error-code table of docs/errors.md, generated from the registry. */
export function errorTable(): string {
  const rows = Object.entries(errorCodes).map(([code, { status, description }]) => `| \`${code}\` | ${status} | ${description} |`);
  return ['| code | HTTP status | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Every leaf setting with its default, environment variable and description. */
export function settingsTable(): string {
  const defaults = flatten(configSchema.parse({}) as Record<string, unknown>);
  const paths = new Set([...Object.keys(defaults), ...envBindings.map((binding) => binding.path.join('.')), ...Object.keys(settingDescriptions)]);
  const rows = [...paths].sort().map((path) => {
    const env = envBindings.find((binding) => binding.path.join('.') === path)?.name;
    const value = defaults[path];
    const shown = value === undefined ? '(unset)' : `\`${JSON.stringify(value)}\``;
    return `| \`${path}\` | ${env ? `\`${env}\`` : '—'} | ${shown} | ${settingDescriptions[path] ?? ''} |`;
  });
  return ['| setting | environment variable | default | what it does |', '|---|---|---|---|', ...rows].join('\n');
}

export function leafSettings(): string[] {
  return Object.keys(flatten(configSchema.parse({}) as Record<string, unknown>));
}

function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    // A section whose settings are all optional and unset parses to {}: its settings come from
    // the environment bindings and descriptions instead.
    if (item && typeof item === 'object' && !Array.isArray(item)) Object.assign(result, flatten(item as Record<string, unknown>, path));
    else result[path] = item;
  }
  return result;
}
