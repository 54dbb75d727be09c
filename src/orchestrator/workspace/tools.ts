import { tool, type ToolSet } from 'ai';
import { z } from 'zod';
import type { WorkspaceConfig } from '../../config/workspace-schema.js';
import { asToolResult } from '../tool-result.js';
import type { Queryable } from '../../store/database.js';
import { appendEvent } from '../../store/events.js';
import type { workspaceToolNames } from '../workflow/index.js';
import { runWorkspaceCommand } from './commands.js';
import { listWorkspaceFiles, readWorkspaceFile, writeWorkspaceFile } from './files.js';
import { workspaceFolder } from './paths.js';

/**
 * The workspace tools an agent gets when its phase lists them: read_file, write_file, list_files
 * and run_command, confined to the run's folder (`workspace.root`/RUN_ID, created on first use).
 * A refusal (a path out of the workspace, a program not allowed, shell syntax) is a named error
 * returned to the model as the tool's result, so it can correct itself; it never ends the session.
 */
export type WorkspaceToolName = (typeof workspaceToolNames)[number];

export interface WorkspaceToolContext {
  db: Queryable;
  runId: string;
  taskId: string;
  config: WorkspaceConfig;
  /** The workflow's `workspace.commands`; a program runs only when the config allows it too. */
  workflowCommands: readonly string[];
  signal?: AbortSignal;
}

export function workspaceTools(context: WorkspaceToolContext): Record<WorkspaceToolName, ToolSet[string]> {
  const { config } = context;
  let folder: Promise<string> | undefined;
  const workspace = () => (folder ??= workspaceFolder(config.root, context.runId));
  const allowed = config.commands.filter((program) => context.workflowCommands.includes(program));
  const path = z.string().min(1).max(4_096);
  return {
    read_file: tool({
      description: `Read a text file of the run's workspace (a path relative to it). At most ${config.readMaxBytes} bytes are returned; the result says when the file is longer.`,
      inputSchema: z.object({ path }),
      execute: (input) => asToolResult(async () => readWorkspaceFile(await workspace(), input.path, config)),
    }),
    write_file: tool({
      description: `Write a text file in the run's workspace (a path relative to it), creating folders as needed; replaces the file unless append is true. At most ${config.writeMaxBytes} bytes.`,
      inputSchema: z.object({ path, content: z.string(), append: z.boolean().optional() }),
      execute: (input) => asToolResult(async () => writeWorkspaceFile(await workspace(), input.path, input.content, config, { append: input.append })),
    }),
    list_files: tool({
      description: "List a folder of the run's workspace ('.' for its top), optionally with everything below it.",
      inputSchema: z.object({ path: path.optional(), recursive: z.boolean().optional() }),
      execute: (input) => asToolResult(async () => listWorkspaceFiles(await workspace(), input.path ?? '.', config, { recursive: input.recursive })),
    }),
    run_command: tool({
      description:
        `Run a program in the run's workspace, without a shell: argv is the program and its arguments, one per element (no pipes, redirects, ; or &&). ` +
        (allowed.length > 0 ? `Allowed programs: ${allowed.join(', ')}.` : 'No program is allowed in this workflow.') +
        ` Stops after ${config.commandTimeoutMs} ms; output is cut at ${config.outputMaxBytes} bytes per stream.`,
      inputSchema: z.object({ argv: z.array(z.string().max(4_096)).min(1).max(100) }),
      execute: (input) =>
        asToolResult(async () => {
          const result = await runWorkspaceCommand(await workspace(), input.argv, { allowed, path: config.path, commandTimeoutMs: config.commandTimeoutMs, outputMaxBytes: config.outputMaxBytes }, context.signal);
          await appendEvent(context.db, context.runId, 'workspace.command_ran', { program: input.argv[0], exit_code: result.exit_code, timed_out: result.timed_out, duration_ms: result.duration_ms }, context.taskId);
          return result;
        }),
    }),
  };
}
