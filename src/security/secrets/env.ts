import { processEnvironment } from '../../config/environment.js';
import type { SecretsBackend } from './backend.js';

export interface EnvBackendOptions {
  /** Variables to read (default: the process environment). */
  env?: NodeJS.ProcessEnv;
  /** Prepended to the secret's name (default none). */
  prefix?: string;
}

/** Secrets from environment variables: NAME is read from `<prefix>NAME`; an empty variable is absent. */
export function createEnvBackend({ env = processEnvironment(), prefix = '' }: EnvBackendOptions = {}): SecretsBackend {
  return {
    name: 'env',
    async get(name) {
      const value = env[prefix + name];
      return value === undefined || value === '' ? undefined : value;
    },
  };
}
