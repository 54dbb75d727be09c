/**
 * `anvil keys create|list|revoke`: API keys, straight on the database (no server needed). With
 * the embedded database, stop `anvil serve` first (one process holds the folder) or use the keys
 * API (`/api/v1/keys`). The new key is printed once and never again.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { apiScopes, createApiKey, isApiScope, listKeys, revokeKey, type ApiKeyView } from '../security/keys/index.js';
import { configFrom, runCommand } from './context.js';
import { withDatabase } from './with-database.js';

function collectScope(value: string, previous: string[] = []): string[] {
  if (!isApiScope(value)) throw new InvalidArgumentError(`expected one of ${apiScopes.join(', ')}`);
  return [...previous, value];
}

function positive(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`${name}: expected a positive number`);
    return number;
  };
}

function describe(key: ApiKeyView): string {
  const limits = [key.rate_limit_per_minute ? `${key.rate_limit_per_minute}/min` : '', key.daily_budget_usd !== null ? `$${key.daily_budget_usd}/day` : ''].filter(Boolean).join(', ');
  const state = key.revoked_at ? `revoked ${key.revoked_at}` : `last used ${key.last_used_at ?? 'never'}`;
  return `${key.id}  anvil_${key.prefix}_…  ${key.name}  [${key.scopes.join(' ')}]${limits ? `  ${limits}` : ''}  ${state}`;
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke API keys');
  keys
    .command('create')
    .description('Create a key; prints it once')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--scope <scope>', `a scope (repeatable): ${apiScopes.join(', ')}`, collectScope)
    .option('--rate-limit <perMinute>', 'requests per minute (default: security.rateLimit.perKeyPerMinute)', positive('--rate-limit'))
    .option('--daily-budget <usd>', 'dollars per day the gateway lets this key spend', positive('--daily-budget'))
    .option('--json', 'print the key and its record as JSON')
    .action((options: { name: string; scope: string[]; rateLimit?: number; dailyBudget?: number; json?: boolean }) =>
      runCommand(async () => {
        const created = await withDatabase(configFrom(program), (db) =>
          createApiKey(db, { name: options.name, scopes: options.scope, rateLimitPerMinute: options.rateLimit === undefined ? undefined : Math.round(options.rateLimit), dailyBudgetUsd: options.dailyBudget }),
        );
        if (options.json) process.stdout.write(`${JSON.stringify({ ...created.view, key: created.key })}\n`);
        else process.stdout.write(`${created.key}\n\nkey ${created.view.id} (${created.view.name}) scopes: ${created.view.scopes.join(' ')}\nStore it now: it is shown only this once.\n`);
      }),
    );
  keys
    .command('list')
    .description('List keys (never their secrets)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      runCommand(async () => {
        const all = await withDatabase(configFrom(program), listKeys);
        process.stdout.write(options.json ? `${JSON.stringify(all)}\n` : all.length === 0 ? 'no API keys\n' : `${all.map(describe).join('\n')}\n`);
      }),
    );
  keys
    .command('revoke')
    .argument('<id>', 'the key id (from `anvil keys list`)')
    .description('Revoke a key; running servers stop accepting it within security.keyCacheTtlMs')
    .action((id: string) =>
      runCommand(async () => {
        const revoked = await withDatabase(configFrom(program), (db) => revokeKey(db, id));
        process.stdout.write(`revoked ${revoked.id} (${revoked.name}) at ${revoked.revoked_at}\n`);
      }),
    );
}
