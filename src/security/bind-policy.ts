/**
 * The start-up rule: without API keys the server listens on loopback only, and says so; asked to
 * listen on any other address without keys, it refuses to start (exit code 2 through
 * CONFIG_INVALID), because every request would then be served as the local admin to the network.
 */
import { isIP } from 'node:net';
import { AnvilError } from '../errors.js';
import type { Queryable } from '../store/database.js';
import { activeApiKeyExists } from '../store/api-keys.js';

/** `127.0.0.0/8`, `::1`, `::ffff:127.x.x.x` and the name `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare) || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(bare);
  return false;
}

export interface BindDecision {
  /** Whether requests without a key are served as the local admin. */
  readonly localAdmin: boolean;
  /** A line for the start-up log. */
  readonly message: string;
}

/** Decides whether `host` may be bound; throws CONFIG_INVALID when it may not. */
export function checkBind({ host, keysExist }: { host: string; keysExist: boolean }): BindDecision {
  if (keysExist) return { localAdmin: false, message: `API keys required on ${host}` };
  if (isLoopbackHost(host)) {
    return {
      localAdmin: true,
      message: `no API key configured: listening on loopback (${host}) only, every local request is the admin; create a key with \`anvil keys create\` before binding another address`,
    };
  }
  throw new AnvilError(
    'CONFIG_INVALID',
    `refusing to listen on ${host} without API keys: create one with \`anvil keys create --name NAME --scope admin\` (or set security.adminKey / ANVIL_ADMIN_KEY), or bind 127.0.0.1`,
    { setting: 'server.host', host },
  );
}

/** `checkBind` with "keys exist" read from the database (at least one key not revoked) and the config. */
export async function checkServeBind({ host, db, adminKey }: { host: string; db: Queryable; adminKey?: string }): Promise<BindDecision> {
  const keysExist = adminKey !== undefined || (await activeApiKeyExists(db));
  return checkBind({ host, keysExist });
}
