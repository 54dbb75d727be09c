import { InvalidArgumentError, type Command } from 'commander';
import { AnvilError } from '../errors.js';
import { readWorkflowFile } from '../orchestrator/workflow/index.js';
import { registerWorkflow } from '../orchestrator/workflows.js';
import { resumeRun, startRun } from '../orchestrator/runs.js';
import { createRuntime } from '../runtime.js';
import { configFrom, runCommand } from './context.js';
import { followRun } from './follow-run.js';

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const separator = value.indexOf('=');
  if (separator <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, separator)]: value.slice(separator + 1) };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run a workflow to its end in this process, with live progress')
    .argument('<workflow>', 'a workflow file (YAML or JSON)')
    .requiredOption('--goal <text>', "the run's goal")
    .option('--param <key=value>', 'a workflow parameter (repeatable)', collectParam, {})
    .option('--json', 'print one JSON summary object as the last line of stdout')
    .action((file: string, options: { goal: string; param: Record<string, string>; json?: boolean }) =>
      runCommand(async () => {
        const { definition } = await readWorkflowFile(file);
        if (!options.goal.trim()) throw new AnvilError('VALIDATION_FAILED', '--goal: must not be empty');
        const runtime = await createRuntime(configFrom(program), { role: 'cli', logDestination: process.stderr });
        try {
          const workflow = await registerWorkflow(runtime.db, definition, { bumpVersion: true });
          const simulated = runtime.models.resolve(definition.model ?? runtime.models.defaultModelName()).simulated;
          const run = await startRun(runtime.db, { workflow: workflow.id, goal: options.goal, params: options.param, simulated });
          if (simulated) runtime.logger.warn({ runId: run.id }, 'no LLM key configured: agents use the SIMULATED model');
          return await followRun(runtime, run.id, { json: options.json === true });
        } finally {
          await runtime.close();
        }
      }),
    );

  const runs = program.command('runs').description('Manage runs');
  runs
    .command('resume')
    .argument('<id>', 'run id')
    .option('--json', 'print one JSON summary object as the last line of stdout')
    .description('Resume a paused run and work it to its end in this process')
    .action((id: string, options: { json?: boolean }) =>
      runCommand(async () => {
        const runtime = await createRuntime(configFrom(program), { role: 'cli', logDestination: process.stderr });
        try {
          await resumeRun(runtime.db, id);
          return await followRun(runtime, id, { json: options.json === true });
        } finally {
          await runtime.close();
        }
      }),
    );
}
