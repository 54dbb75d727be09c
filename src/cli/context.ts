import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, type Config, type ConfigInput } from '../config/index.js';
import { isAnvilError } from '../errors.js';

/**
 * What every command shares: loading the config (file, environment, flags) and turning errors
 * into exit codes. Exit codes: 0 success, 1 failure (a failed or cancelled run), 2 bad input or
 * configuration, 3 paused.
 */
export const exitCodes = { ok: 0, failed: 1, badInput: 2, paused: 3 } as const;

export function configFrom(program: Command, overrides: ConfigInput = {}): Config {
  const options = program.opts<{ config?: string }>();
  return loadConfig({ file: options.config, overrides });
}

/** Runs a command body; prints a clear message and sets the exit code on failure. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? exitCodes.ok;
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

export function reportError(error: unknown): number {
  if (isAnvilError(error)) {
    process.stderr.write(`anvil: ${error.message}\n`);
    // Configuration problems (an invalid setting, a secret that resolves nowhere, a database
    // folder another process holds) are bad input too: the operator must change something.
    const configuration = ['CONFIG_INVALID', 'DATABASE_LOCKED', 'SECRET_NOT_FOUND'].includes(error.code);
    return error.statusCode < 500 || configuration ? exitCodes.badInput : exitCodes.failed;
  }
  process.stderr.write(`anvil: ${(error as Error)?.stack ?? String(error)}\n`);
  return exitCodes.failed;
}

export function parseIntegerOption(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`--${name}: expected a whole number, got "${value}"`);
    return number;
  };
}
