import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { AnvilError } from '../../errors.js';
import type { Finding } from './finding.js';

/**
 * Accepted findings: each names a finding id, a reason and an expiry date no more than 90 days
 * ahead. An expired exception is itself a high finding, so an acceptance cannot quietly become
 * permanent; an exception that matches nothing is reported (stale) but does not fail.
 */
export interface AuditException {
  id: string;
  reason: string;
  /** YYYY-MM-DD; the exception holds through that day. */
  expires: string;
}

export const maximumExceptionDays = 90;

export function loadExceptions(path: string): AuditException[] {
  if (!existsSync(path)) return [];
  const parsed = parseYaml(readFileSync(path, 'utf8')) as { exceptions?: unknown } | null;
  const entries = parsed?.exceptions ?? [];
  if (!Array.isArray(entries)) throw new AnvilError('AUDIT_EXCEPTION_INVALID', `${path}: exceptions must be a list`, { path });
  return entries.map((entry: unknown, index) => {
    const { id, reason, expires } = (entry ?? {}) as Record<string, unknown>;
    const expiry = expires instanceof Date ? expires.toISOString().slice(0, 10) : expires;
    if (typeof id !== 'string' || id === '' || typeof reason !== 'string' || reason.trim().length < 10 || typeof expiry !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(expiry)) {
      throw new AnvilError('AUDIT_EXCEPTION_INVALID', `${path}: exception ${index + 1} needs an id, a reason (a sentence) and an expiry date (YYYY-MM-DD)`, { path, index });
    }
    return { id, reason, expires: expiry };
  });
}

export interface ExceptionOutcome {
  /** Findings with `exception` set where one applies. */
  findings: (Finding & { exception?: AuditException })[];
  /** Expired or over-long exceptions, as high findings. */
  problems: Finding[];
  /** Exceptions no finding matched. */
  stale: AuditException[];
}

export function applyExceptions(findings: readonly Finding[], exceptions: readonly AuditException[], today: string): ExceptionOutcome {
  const problems: Finding[] = [];
  const valid = new Map<string, AuditException>();
  const latest = addDays(today, maximumExceptionDays);
  for (const exception of exceptions) {
    if (exception.expires < today) {
      problems.push({ id: `exception-expired:${exception.id}`, severity: 'high', title: `the exception for ${exception.id} expired on ${exception.expires}: fix the finding or renew it with a reason`, location: 'security/audit-exceptions.yaml' });
    } else if (exception.expires > latest) {
      problems.push({ id: `exception-too-long:${exception.id}`, severity: 'high', title: `the exception for ${exception.id} expires ${exception.expires}, more than ${maximumExceptionDays} days ahead`, location: 'security/audit-exceptions.yaml' });
    } else {
      valid.set(exception.id, exception);
    }
  }
  const used = new Set<string>();
  const marked = findings.map((finding) => {
    const exception = valid.get(finding.id);
    if (!exception) return finding;
    used.add(exception.id);
    return { ...finding, exception };
  });
  return { findings: marked, problems, stale: [...valid.values()].filter((exception) => !used.has(exception.id)) };
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
