import { z } from 'zod';

/**
 * The workspace tools (src/orchestrator/workspace): one folder per run under `root`, created on
 * demand, and the programs agents may run there. A program runs only when both this allow-list
 * and the workflow's `workspace.commands` name it: deny by default, and a workflow registered over
 * the API cannot grant itself a program the operator did not allow.
 */
const positiveInt = z.number().int().positive();
const programName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, 'expected a program name without a path (letters, digits, . _ + -)');

export const workspaceDefaults = {
  root: './.anvil/workspaces',
  commands: [] as string[],
  path: '/usr/local/bin:/usr/bin:/bin',
  commandTimeoutMs: 30_000,
  outputMaxBytes: 65_536,
  readMaxBytes: 1_048_576,
  writeMaxBytes: 1_048_576,
  listMaxEntries: 1_000,
};

export const workspaceSchema = z
  .object({
    /** Folder holding one workspace folder per run. */
    root: z.string().min(1).default(workspaceDefaults.root),
    /** Programs the operator allows (names, looked up on `path`); empty: none. */
    commands: z
      .preprocess((value) => (typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter((part) => part !== '') : value), z.array(programName).max(200))
      .default([]),
    /** PATH given to commands, and where program names are looked up. */
    path: z.string().min(1).default(workspaceDefaults.path),
    commandTimeoutMs: positiveInt.default(workspaceDefaults.commandTimeoutMs),
    /** Bytes of stdout and of stderr kept per command; the rest is dropped and the result says so. */
    outputMaxBytes: positiveInt.default(workspaceDefaults.outputMaxBytes),
    readMaxBytes: positiveInt.default(workspaceDefaults.readMaxBytes),
    writeMaxBytes: positiveInt.default(workspaceDefaults.writeMaxBytes),
    listMaxEntries: positiveInt.default(workspaceDefaults.listMaxEntries),
  })
  .strict()
  .default({ ...workspaceDefaults, commands: [] });

export type WorkspaceConfig = z.output<typeof workspaceSchema>;
export { programName as workspaceProgramName };
