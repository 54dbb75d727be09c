import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { AnvilError } from '../errors.js';
import { envBindings, parseEnvValue } from './env.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';

type PlainObject = Record<string, unknown>;

export interface LoadConfigOptions {
  /** Environment to read; defaults to process.env. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** A YAML or JSON file; defaults to ANVIL_CONFIG from the environment when set. */
  file?: string;
  /** Values that win over file and environment (CLI flags). */
  overrides?: ConfigInput;
}

/** Precedence, lowest first: defaults, config file, environment, overrides. */
export function loadConfig({ env = process.env, file, overrides }: LoadConfigOptions = {}): Config {
  const layers: PlainObject[] = [];
  const configFile = file ?? env.ANVIL_CONFIG;
  if (configFile) layers.push(readConfigFile(configFile));
  layers.push(fromEnvironment(env));
  if (overrides) layers.push(overrides as PlainObject);
  return parseConfig(layers.reduce(deepMerge, {}));
}

export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) throw configError(result.error);
  return result.data;
}

/** A configuration for tests and benchmarks: in-memory database, quiet logs, no outside keys. */
export function testConfig(overrides: ConfigInput = {}): Config {
  const base: ConfigInput = {
    database: { dataDir: 'memory://' },
    log: { level: 'silent' },
    worker: { pollIntervalMs: 20, sweepIntervalMs: 500 },
  };
  return parseConfig(deepMerge(base as PlainObject, overrides as PlainObject));
}

function readConfigFile(path: string): PlainObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AnvilError('CONFIG_INVALID', `config file ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const parsed = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a mapping at the top level');
    return parsed as PlainObject;
  } catch (error) {
    throw new AnvilError('CONFIG_INVALID', `config file ${path}: ${(error as Error).message}`);
  }
}

function fromEnvironment(env: NodeJS.ProcessEnv): PlainObject {
  const result: PlainObject = {};
  for (const binding of envBindings) {
    const raw = env[binding.name];
    if (raw === undefined || raw === '') continue;
    let cursor = result;
    for (const key of binding.path.slice(0, -1)) cursor = (cursor[key] ??= {}) as PlainObject;
    cursor[binding.path[binding.path.length - 1]!] = parseEnvValue(raw, binding.kind);
  }
  return result;
}

function deepMerge(target: PlainObject, source: PlainObject): PlainObject {
  const merged: PlainObject = { ...target };
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function configError(error: z.ZodError): AnvilError {
  const problems = error.issues.map((issue) => {
    const setting = issue.path.join('.') || '(root)';
    const envName = envBindings.find((binding) => binding.path.join('.') === setting)?.name;
    return { setting, env: envName, message: issue.message };
  });
  const text = problems.map((p) => `${p.setting}${p.env ? ` (${p.env})` : ''}: ${p.message}`).join('; ');
  return new AnvilError('CONFIG_INVALID', `invalid configuration: ${text}`, { problems });
}
