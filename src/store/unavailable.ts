import { AnvilError } from '../errors.js';

/**
 * Whether an error means "the database cannot be reached right now" rather than "this statement
 * is wrong": the API answers those with 503 DATABASE_UNAVAILABLE and a Retry-After instead of a
 * 500, and workers back off instead of failing work. Recognised are the socket errors of a server
 * that is down or restarting, the pool's own connection timeout (`database.connectionTimeoutMs`),
 * the SQLSTATE classes a server sends while it shuts down or starts up (08 connection exception,
 * 57P01-57P03 operator intervention), and a server that cannot write (disk full, I/O error).
 */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// 57P01-57P03: shutting down, crashed, starting up; 53100 disk full; 58030 I/O error (a full
// disk or a file-size limit seen by the server, including the embedded one).
const storageCodes = new Set(['57P01', '57P02', '57P03', '53100', '58030']);
const messages = [/could not (write|extend|fsync)/i, /No space left on device/i, /timeout exceeded when trying to connect/i, /connection terminated/i, /Connection terminated unexpectedly/i, /Client has encountered a connection error/i, /the database system is (starting up|shutting down|in recovery mode)/i];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (socketCodes.has(code) || code.startsWith('08') || storageCodes.has(code))) return true;
    if (typeof message === 'string' && messages.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The short reason a readiness probe and a 503 give: the error's code, or its first line. */
export function unavailableReason(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message.split('\n')[0]!.slice(0, 200) : String(error);
  return typeof code === 'string' ? `${code}: ${text}` : text;
}

export function databaseUnavailable(error: unknown): AnvilError {
  // The reason stays out of the message: it names internal addresses. The log has it (cause).
  return new AnvilError('DATABASE_UNAVAILABLE', 'the database cannot be reached; retry shortly', undefined, { cause: error });
}
