import type { Config } from '../../config/index.js';
import type { CheckResult, Finding } from './finding.js';

/** Values seen in examples and tutorials; a key equal to one of them is as good as none. */
const defaultValues = new Set(['changeme', 'change-me', 'password', 'secret', 'admin', 'test', 'example', 'default', 'letmein', 'your-api-key', 'sk-xxx', 'postgres', 'redis']);
const minimumKeyLength = 20;
const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

type Loose = Record<string, unknown> | undefined;

/**
 * Checks of the effective configuration (file, environment): weak or default keys, a CORS
 * wildcard, a public bind address without any API key, passwords written into connection
 * strings. `secret:NAME` references are not resolved here: the audit never fetches a value.
 */
export function configChecks(config: Config): CheckResult {
  const findings: Finding[] = [];
  const loose = config as unknown as Record<string, Loose>;
  const keys: [string, unknown][] = [
    ['llm.openaiApiKey', config.llm.openaiApiKey],
    ['llm.anthropicApiKey', config.llm.anthropicApiKey],
    ['llm.openaiCompatibleApiKey', config.llm.openaiCompatibleApiKey],
    ['security.adminKey', loose.security?.adminKey],
    ['security.clientKey', loose.security?.clientKey],
  ];
  for (const [setting, value] of keys) {
    if (typeof value !== 'string' || value.startsWith('secret:')) continue;
    if (defaultValues.has(value.toLowerCase()) || value.length < minimumKeyLength || new Set(value).size < 6) {
      findings.push({ id: `config:weak-key:${setting}`, severity: 'high', title: `${setting} is a default, short or repetitive value`, location: setting });
    }
  }

  const origins = loose.security?.corsOrigins;
  if (Array.isArray(origins) && origins.some((origin) => origin === '*' || origin === 'null')) {
    findings.push({ id: 'config:cors-wildcard:security.corsOrigins', severity: 'high', title: 'CORS allows any origin', location: 'security.corsOrigins' });
  }

  if (!loopback.has(config.server.host) && !loose.security?.adminKey) {
    findings.push({
      id: 'config:public-bind-without-keys:server.host',
      severity: 'high',
      title: `server.host ${config.server.host} is not loopback and no API key is configured (security.adminKey)`,
      location: 'server.host',
    });
  }

  for (const [setting, url] of [['database.url', config.database.url], ['redis.url', config.redis.url]] as const) {
    const password = passwordOf(url);
    if (password === undefined || /\{secret:[^}]+\}/.test(url ?? '')) continue;
    const weak = defaultValues.has(decodeURIComponent(password).toLowerCase()) || password.length < 12;
    findings.push({
      id: `config:${weak ? 'weak' : 'inline'}-password:${setting}`,
      severity: weak ? 'high' : 'moderate',
      title: weak ? `${setting} carries a default or short password` : `${setting} carries its password inline; prefer {secret:NAME}`,
      location: setting,
    });
  }
  return { check: 'config', ran: 'configuration checks (weak keys, CORS wildcard, public bind without keys, connection string passwords)', findings };
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url || url.startsWith('secret:')) return undefined;
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}
