import type { SecretsBackendName } from '../../config/secrets-schema.js';
import { AnvilError } from '../../errors.js';

export type { SecretsBackendName } from '../../config/secrets-schema.js';

/**
 * One place secrets can come from. `get` answers with the value, with `undefined` when this
 * backend does not hold the name (the manager then asks the next), or throws SECRET_BACKEND_FAILED
 * when it cannot answer (unreachable, refused, malformed). A backend never puts a value, a token
 * or a response body into an error: only names, HTTP statuses and error class names.
 */
export interface SecretsBackend {
  readonly name: SecretsBackendName;
  get(name: string): Promise<string | undefined>;
  close?(): Promise<void>;
}

/** Told about every credential a backend uses (tokens it was given or obtained), so logs redact them. */
export type SensitiveSink = (value: string) => void;

export function backendFailure(backend: SecretsBackendName, name: string, reason: string): AnvilError {
  return new AnvilError('SECRET_BACKEND_FAILED', `secrets backend ${backend} could not answer for ${name}: ${reason}`, { backend, secretName: name, reason });
}

/** A short, value-free description of an error thrown by a client library: its class and code. */
export function describeError(error: unknown): string {
  if (error === null || typeof error !== 'object') return 'error';
  const { name, code, statusCode, $metadata } = error as { name?: string; code?: string | number; statusCode?: number; $metadata?: { httpStatusCode?: number } };
  const status = statusCode ?? $metadata?.httpStatusCode;
  return [name ?? 'Error', code !== undefined ? `code ${code}` : '', status !== undefined ? `HTTP ${status}` : ''].filter(Boolean).join(', ');
}
