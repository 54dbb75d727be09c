/**
 * People in the loop from the command line, like the dashboard and the API:
 *
 *   anvil questions RUN [--all] [--json]   what the run's agents asked (ask_human), open ones by default
 *   anvil answer TASK "text"               answer the task's open question; the task is queued again
 *   anvil approve TASK                     approve one task of a gated phase (approval: required)
 *   anvil approve RUN PHASE                approve the gated phase for the whole run
 *   anvil message TASK "text"              write to the task's agent before its next step
 *
 * They read and write the database directly, as `anvil costs` does, so they work wherever the
 * database is reachable; events reach running servers and workers through NOTIFY. With the
 * embedded database, stop `anvil serve` first (one process holds the folder) or call the API.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { postSessionMessage } from '../orchestrator/agent/inbox.js';
import { approvePhase, approveTask } from '../orchestrator/human/approvals.js';
import { answerQuestion, listQuestions } from '../orchestrator/human/questions.js';
import { getTask } from '../orchestrator/tasks.js';
import type { Database } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open.js';
import { configFrom, runCommand } from './context.js';

/** Who acted, as recorded with the answer, approval or message. */
function cliAuthor(given: string | undefined): string {
  if (given?.trim()) return given.trim();
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function registerPeopleCommands(program: Command): void {
  const withDatabase = async <T>(work: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openDatabase(configFrom(program).database, 'cli');
    try {
      await migrate(db);
      return await work(db);
    } finally {
      await db.close();
    }
  };
  const print = (json: boolean | undefined, value: unknown, text: string) => process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);

  program
    .command('questions')
    .description("what a run's agents asked people (ask_human): the open questions, or all with --all")
    .argument('<run>', 'run id')
    .option('--all', 'answered questions too')
    .option('--json', 'print JSON')
    .action((runId: string, options: { all?: boolean; json?: boolean }) =>
      runCommand(async () => {
        const questions = await withDatabase((db) => listQuestions(db, runId, { open: !options.all, limit: 500 }));
        const lines = questions.map((question) => `${question.task_id}  [${question.phase}] ${question.title}\n  asked: ${question.question}${question.answer !== null ? `\n  answer (${question.answered_by}): ${question.answer}` : ''}`);
        print(options.json, questions, lines.length > 0 ? lines.join('\n') : options.all ? 'no questions' : 'no open questions');
      }),
    );

  program
    .command('answer')
    .description("answer the question a task's agent asked; the task is queued again and resumes with the answer")
    .argument('<task>', 'task id')
    .argument('<text>', 'the answer')
    .option('--as <name>', 'who answers (default: cli:<your user name>)')
    .option('--json', 'print JSON')
    .action((taskId: string, text: string, options: { as?: string; json?: boolean }) =>
      runCommand(async () => {
        const { task, question } = await withDatabase((db) => answerQuestion(db, { taskId, answer: text, author: cliAuthor(options.as) }));
        print(options.json, { task_id: task.id, status: task.status, question_id: question.id }, `answered "${question.question}"; task ${task.id} is ${task.status}`);
      }),
    );

  program
    .command('approve')
    .description('approve a task of a gated phase (approve TASK), or the gated phase of a run (approve RUN PHASE)')
    .argument('<id>', 'task id, or run id when PHASE is given')
    .argument('[phase]', 'phase key: approve this phase for the whole run')
    .option('--as <name>', 'who approves (default: cli:<your user name>)')
    .option('--json', 'print JSON')
    .action((id: string, phase: string | undefined, options: { as?: string; json?: boolean }) =>
      runCommand(async () => {
        const author = cliAuthor(options.as);
        if (phase !== undefined) {
          const gate = await withDatabase((db) => approvePhase(db, { runId: id, phase, author }));
          print(options.json, { run_id: gate.run_id, phase: gate.phase, approved_by: gate.approved_by, approved_at: gate.approved_at }, `phase ${gate.phase} of run ${gate.run_id} approved by ${gate.approved_by}`);
          return;
        }
        const task = await withDatabase((db) => approveTask(db, { taskId: id, author }));
        print(options.json, { task_id: task.id, phase: task.phase, approved_by: task.approved_by }, `task ${task.id} (${task.phase}) approved by ${task.approved_by}`);
      }),
    );

  program
    .command('message')
    .description("write to a task's agent: delivered before its session's next step")
    .argument('<task>', 'task id')
    .argument('<text>', 'the message')
    .option('--as <name>', 'who writes (default: cli:<your user name>)')
    .option('--json', 'print JSON')
    .action((taskId: string, text: string, options: { as?: string; json?: boolean }) =>
      runCommand(async () => {
        const message = await withDatabase(async (db) => {
          const task = await getTask(db, taskId);
          return postSessionMessage(db, { runId: task.run_id, taskId: task.id, from: 'human', author: cliAuthor(options.as), body: text });
        });
        print(options.json, { message_id: message.id, task_id: message.task_id }, `message ${message.id} waits for task ${message.task_id}'s next step`);
      }),
    );
}
