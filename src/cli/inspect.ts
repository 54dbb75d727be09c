/**
 * `anvil inspect --kind KIND [--paranoia N] [--json]`: one value per stdin line, one verdict per
 * stdout line, so the engine can be measured from outside (any corpus, any harness). The verdict
 * never echoes the value: plain output is `BLOCK rule,…` / `PASS`, JSON output is
 * `{"value_sha256", "blocked", "rules", "flags"}`. Exit 0 whatever the verdicts; 2 for bad usage.
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { createInspector } from '../security/inspect/index.js';
import { fieldKinds, type FieldKind, type Paranoia } from '../security/inspect/types.js';

export interface InspectStreamOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly kind: FieldKind;
  readonly paranoia?: Paranoia;
  readonly json?: boolean;
}

/** Reads lines from `input` and writes one verdict line each to `output`; resolves with the count. */
export async function inspectStream({ input, output, kind, paranoia = 2, json = false }: InspectStreamOptions): Promise<number> {
  const inspector = createInspector({ paranoia });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let count = 0;
  for await (const line of lines) {
    const verdict = inspector.inspectValue(line, kind);
    const text = json
      ? JSON.stringify({ value_sha256: createHash('sha256').update(line).digest('hex'), blocked: verdict.blocked, rules: verdict.rules, flags: verdict.flags })
      : verdict.blocked ? `BLOCK ${verdict.rules.join(',')}` : verdict.flags.length > 0 ? `PASS flags=${verdict.flags.join(',')}` : 'PASS';
    if (!output.write(`${text}\n`)) await new Promise((resolve) => output.once('drain', resolve));
    count++;
  }
  return count;
}

function parseKind(value: string): FieldKind {
  if (!(fieldKinds as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${fieldKinds.join(', ')}`);
  return value as FieldKind;
}

function parseParanoia(value: string): Paranoia {
  if (value !== '1' && value !== '2' && value !== '3') throw new InvalidArgumentError('expected 1, 2 or 3');
  return Number(value) as Paranoia;
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('Inspect one value per stdin line as a field of KIND; print one verdict per line')
    .requiredOption('--kind <kind>', `field kind: ${fieldKinds.join(', ')}`, parseKind)
    .option('--paranoia <level>', 'paranoia level 1-3', parseParanoia, 2 as Paranoia)
    .option('--json', 'print {"value_sha256", "blocked", "rules", "flags"} per line')
    .action(async (options: { kind: FieldKind; paranoia: Paranoia; json?: boolean }) => {
      await inspectStream({ input: process.stdin, output: process.stdout, kind: options.kind, paranoia: options.paranoia, json: options.json === true });
    });
}
