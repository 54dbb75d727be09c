import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { inspectStream, registerInspectCommand } from './inspect.js';

async function run(lines: string[], options: { kind: 'query' | 'prompt' | 'path'; json?: boolean; paranoia?: 1 | 2 | 3 }): Promise<string[]> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await inspectStream({ input: Readable.from([lines.join('\n')]), output, ...options });
  return Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
}

describe('anvil inspect', () => {
  it('prints one JSON verdict per input line with the value hashed, never echoed', async () => {
    const values = ["' or 1=1--", 'union station timetable'];
    const out = await run(values, { kind: 'query', json: true });
    expect(out).toHaveLength(2);
    const [attack, benign] = out.map((line) => JSON.parse(line) as { value_sha256: string; blocked: boolean; rules: string[] });
    expect(attack).toMatchObject({ value_sha256: createHash('sha256').update(values[0]!).digest('hex'), blocked: true });
    expect(attack!.rules[0]).toMatch(/^sql\./);
    expect(benign).toMatchObject({ blocked: false, rules: [] });
    expect(out.join('\n')).not.toContain('or 1=1');
  });

  it('judges each line as the given kind: a prompt may quote SQL', async () => {
    expect(await run(['SELECT * FROM users; DROP TABLE users'], { kind: 'prompt' })).toEqual(['PASS']);
    expect((await run(['SELECT * FROM users; DROP TABLE users'], { kind: 'query' }))[0]).toMatch(/^BLOCK sql\./);
  });

  it('applies the paranoia level', async () => {
    expect(await run(['../notes.md'], { kind: 'query', paranoia: 2 })).toEqual(['PASS']);
    expect((await run(['../notes.md'], { kind: 'query', paranoia: 3 }))[0]).toMatch(/^BLOCK traversal\./);
  });

  it('registers the command with a required --kind that must be a field kind', () => {
    const program = new Command().exitOverride();
    registerInspectCommand(program);
    const command = program.commands.find((entry) => entry.name() === 'inspect');
    expect(command?.options.map((option) => option.long)).toEqual(['--kind', '--paranoia', '--json']);
    command!.exitOverride().configureOutput({ writeErr: () => undefined });
    expect(() => command!.parse(['--kind', 'banana'], { from: 'user' })).toThrow(/expected one of/);
  });
});
