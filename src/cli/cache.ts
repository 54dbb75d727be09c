/**
 * `anvil cache invalidate [--tenant T] [--model M] [--pattern GLOB] [--url URL] [--json]`:
 * removes cached LLM answers through the running server's admin route
 * (POST /api/v1/llm-cache/invalidate), because the cache lives in that server (its memory, or the
 * Redis it shares with the other nodes). The key is `security.clientKey` (ANVIL_API_KEY, an admin
 * key), never a command-line flag, which other users of the machine could read; without one, a
 * server that has no keys serves its loopback clients as the local admin.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { AnvilError } from '../errors.js';
import { configFrom, exitCodes, runCommand } from './context.js';

interface InvalidateOptions {
  tenant?: string;
  model?: string;
  pattern?: string;
  url?: string;
  json?: boolean;
}

function baseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.href.replace(/\/$/, '');
  } catch {
    throw new InvalidArgumentError(`--url: expected an http(s) URL such as http://127.0.0.1:8080, got "${value}"`);
  }
}

export function registerCacheCommand(program: Command): void {
  const cache = program.command('cache').description('The LLM response cache');
  cache
    .command('invalidate')
    .description('Remove cached LLM answers of a tenant (API key id, bootstrap or local), a model, or a key pattern')
    .option('--tenant <tenant>', 'only this tenant’s answers')
    .option('--model <model>', 'only answers of this provider/model')
    .option('--pattern <glob>', 'a glob over <tenant>:<model>:<sha256> (alone, not with --tenant or --model)')
    .option('--url <url>', 'the Anvil server (default: http://<server.host>:<server.port> from the config)', baseUrl)
    .option('--json', 'print the answer as JSON')
    .action((options: InvalidateOptions) =>
      runCommand(async () => {
        if (options.tenant === undefined && options.model === undefined && options.pattern === undefined) {
          throw new AnvilError('VALIDATION_FAILED', 'cache invalidate: give --tenant, --model and/or --pattern (nothing is removed without one)');
        }
        const config = configFrom(program);
        const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
        const url = options.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`;
        const key = config.security.clientKey;
        const body = Object.fromEntries(Object.entries({ tenant: options.tenant, model: options.model, pattern: options.pattern }).filter(([, value]) => value !== undefined));
        let response: Response;
        try {
          response = await fetch(`${url}/api/v1/llm-cache/invalidate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(30_000),
          });
        } catch (error) {
          process.stderr.write(`anvil: could not reach the Anvil server at ${url} (${(error as Error).message}); is \`anvil serve\` running? (--url)\n`);
          return exitCodes.failed;
        }
        const answer = (await response.json().catch(() => ({}))) as { removed?: number; error?: { code?: string; message?: string } };
        if (!response.ok) {
          process.stderr.write(`anvil: ${answer.error?.message ?? `the server answered ${response.status}`}${response.status === 401 ? ' (set ANVIL_API_KEY to an admin key)' : ''}\n`);
          return response.status < 500 ? exitCodes.badInput : exitCodes.failed;
        }
        process.stdout.write(options.json ? `${JSON.stringify(answer)}\n` : `removed ${answer.removed ?? 0} cached answer${answer.removed === 1 ? '' : 's'}\n`);
        return exitCodes.ok;
      }),
    );
}
