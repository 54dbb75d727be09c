/**
 * Reading the deployment files the way their consumers do, for test/deploy: the Dockerfile's
 * instructions by stage, compose.yaml with its anchors and merge keys, and the real `anvil`
 * command-line program (src/cli/index.ts), captured before it parses any arguments.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';

export const repositoryRoot = new URL('../../', import.meta.url);

export function readRepositoryFile(path: string): string {
  return readFileSync(new URL(path, repositoryRoot), 'utf8');
}

/** YAML as Docker Compose reads it: `<<` merge keys expanded, anchors resolved. */
export function readYaml<T>(path: string): T {
  return parseYaml(readRepositoryFile(path), { merge: true }) as T;
}

let program: Promise<Command> | undefined;

/**
 * The `anvil` program with every command registered, exactly as the binary builds it. Importing
 * src/cli/index.ts parses process.argv at once, so `parseAsync` is replaced for the length of the
 * import by one that only records which program was built.
 */
export function cliProgram(): Promise<Command> {
  program ??= (async () => {
    const original = Command.prototype.parseAsync;
    const parsed: Command[] = [];
    Command.prototype.parseAsync = async function captureProgram(this: Command) {
      parsed.push(this);
      return this;
    };
    try {
      await import('../../src/cli/index.js');
    } finally {
      Command.prototype.parseAsync = original;
    }
    if (parsed.length !== 1) throw new Error(`src/cli/index.ts parsed ${parsed.length} programs, expected one`);
    return parsed[0]!;
  })();
  return program;
}

export interface DockerInstruction {
  readonly keyword: string;
  readonly argument: string;
}

export interface DockerStage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly DockerInstruction[];
}

/** Splits a Dockerfile into stages of instructions (continuations joined, comments dropped, `ARG` defaults applied to `FROM`). */
export function readDockerfile(path = 'Dockerfile'): DockerStage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of readRepositoryFile(path).split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.trimEnd().endsWith('\\')) { pending += `${line.trimEnd().slice(0, -1)} `; continue; }
    const joined = (pending + line).trim();
    pending = '';
    if (joined) logical.push(joined);
  }
  const argumentsDeclared = new Map<string, string>();
  const stages: Array<{ image: string; name: string | undefined; instructions: DockerInstruction[] }> = [];
  for (const text of logical) {
    const [, keyword = '', argument = ''] = /^(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name, value = ''] = argument.split('=');
      argumentsDeclared.set(name!, value);
      continue;
    }
    if (upper === 'FROM') {
      const [image = '', , name] = argument.replace(/\$\{(\w+)\}/g, (_, variable: string) => argumentsDeclared.get(variable) ?? '').split(/\s+/);
      stages.push({ image, name, instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push({ keyword: upper, argument });
  }
  return stages;
}

/** `KEY=value KEY2=value2` (the form ENV uses here) as a record. */
export function parseEnvInstruction(argument: string): Record<string, string> {
  return Object.fromEntries(argument.split(/\s+/).filter(Boolean).map((pair) => {
    const index = pair.indexOf('=');
    return [pair.slice(0, index), pair.slice(index + 1)];
  }));
}
