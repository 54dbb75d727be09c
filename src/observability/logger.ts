import pino, { type Logger } from 'pino';
import type { Redactor } from './redactor.js';

export type { Logger } from 'pino';

/**
 * Structured JSON logs (pino). Secrets and credentials are redacted by path wherever they
 * appear in a logged object; readable lines when asked for (or on a terminal).
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  '*.apiKey',
  '*.openaiApiKey',
  '*.anthropicApiKey',
  '*.openaiCompatibleApiKey',
  '*.password',
  '*.token',
  '*.secret',
  'config.llm',
  // Request and response headers wherever a logged object carries them, at the top level or one
  // level down (pino's `*` matches one level); cookies hold session tokens as surely as keys do.
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'headers["x-api-key"]',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers.cookie',
  'res.headers["set-cookie"]',
  'authorization',
  '*.authorization',
  // Credentials by name, top level and one level down.
  'apiKey',
  'password',
  'token',
  'secret',
  '*.adminKey',
  '*.clientKey',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.privateKey',
  '*.secretId',
  // Connection strings carry passwords (postgres://user:password@…).
  'config.database.url',
  'config.redis.url',
  'config.secrets',
  'config.security',
];

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them. */
  destination?: NodeJS.WritableStream;
  /** Replaces known secret values anywhere in a line (the secrets manager registers them). */
  redactor?: Redactor;
}

export function createLogger({ level, pretty = process.stdout.isTTY === true, destination, redactor }: LoggerOptions): Logger {
  // streamWrite sees the finished line, so a value is caught wherever it sits in it.
  const hooks = redactor ? { streamWrite: (line: string) => redactor.redact(line) } : undefined;
  // `hooks: undefined` would replace pino's default hooks and break every log call: leave it out.
  const options = { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'anvil' }, ...(hooks ? { hooks } : {}) };
  if (pretty && !destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
