import type { Command } from 'commander';
import { isAnvilError } from '../errors.js';
import { readWorkflowFile, type WorkflowProblem } from '../orchestrator/workflow/index.js';
import { exitCodes, runCommand } from './context.js';

export function registerWorkflowsCommand(program: Command): void {
  const workflows = program.command('workflows').description('Work with workflow definitions');
  workflows
    .command('validate')
    .argument('<files...>', 'YAML or JSON workflow files')
    .description('Check workflow files; prints every problem with its path in the file')
    .action((files: string[]) =>
      runCommand(async () => {
        let failed = false;
        for (const file of files) {
          try {
            const { definition } = await readWorkflowFile(file);
            process.stdout.write(`${file}: ok (${definition.name} v${definition.version}, ${definition.phases.length} phases)\n`);
          } catch (error) {
            if (!isAnvilError(error) || error.code !== 'WORKFLOW_INVALID') throw error;
            failed = true;
            for (const problem of (error.details?.problems ?? []) as WorkflowProblem[]) {
              process.stdout.write(`${file}${problem.line ? `:${problem.line}` : ''}: ${problem.path}: ${problem.message}\n`);
            }
          }
        }
        return failed ? exitCodes.badInput : exitCodes.ok;
      }),
    );
}
