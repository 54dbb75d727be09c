import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conductorSchema } from '../../src/config/agents-schema.js';
import { createEmbedder, createSimulatedEmbeddingModel } from '../../src/llm/embeddings/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { Conductor } from '../../src/orchestrator/conductor/conductor.js';
import { createNearDuplicateFinder } from '../../src/orchestrator/conductor/near-duplicates.js';
import { taskTextSimilarity } from '../../src/orchestrator/conductor/text-similarity.js';
import { createTask, type ConductorServices } from '../../src/orchestrator/tasks.js';
import type { Database } from '../../src/store/database.js';
import { claimTask, completeTask } from '../../src/store/queue/index.js';
import type { TaskRow } from '../../src/store/rows.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun, threePhaseWorkflow } from '../helpers/fixtures.js';

const logger = createLogger({ level: 'silent' });
const textOnly = (overrides: Record<string, unknown> = {}): ConductorServices => ({ defaults: conductorSchema.parse(overrides), finder: createNearDuplicateFinder() });

describe('text similarity of tasks', () => {
  const found = (title: string) => ({ title, description: `${title}, found while working on "Start the goal".` });
  it('scores a reworded task above the default threshold and a sibling on another subject below it', () => {
    const threshold = conductorSchema.parse({}).duplicateThreshold;
    expect(taskTextSimilarity(found('Implement the parser'), found('Implement the parser fully'))).toBeGreaterThanOrEqual(threshold);
    expect(taskTextSimilarity(found('Implement the parser'), found('Implement the scheduler'))).toBeLessThan(threshold);
    expect(taskTextSimilarity({ title: 'Verify the Parser!', description: '' }, { title: 'verify parser', description: '' })).toBe(1);
  });
});

describe.each(databaseVariants())('the conductor on $name', (variant) => {
  let db: Database;
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });
  const agentTask = (runId: string, title: string, conductor: ConductorServices, description = '') =>
    createTask(db, { runId, phase: 'verify', title, description, createdBy: 'agent:test' }, { conductor });
  const taskRow = async (id: string) => (await db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id])).rows[0]!;

  it('merges a near-duplicate into the earlier task while it waits, with the reason on the task and in an event', async () => {
    const run = await startTestRun(db);
    const conductor = textOnly();
    const original = await agentTask(run.id, 'Verify the parser handles errors', conductor, 'check the grammar');
    const later = await agentTask(run.id, 'Verify that the parser handles errors', conductor, 'check the grammar and errors');
    expect(later).toMatchObject({ duplicate: true, task: { id: original.task.id }, nearDuplicate: { method: 'text', merged: true } });

    const duplicate = await taskRow(later.nearDuplicate!.taskId);
    expect(duplicate).toMatchObject({ status: 'cancelled', duplicate_of: original.task.id, title: 'Verify that the parser handles errors' });
    expect(duplicate.duplicate_reason).toMatch(new RegExp(`^near-duplicate of task ${original.task.id} "Verify the parser handles errors" \\(text similarity 0\\.\\d\\d ≥ 0\\.7\\); merged into it$`));
    expect((await taskRow(original.task.id)).description).toBe('check the grammar\n\nAlso covers (merged from the near-duplicate "Verify that the parser handles errors"): check the grammar and errors');
    const events = await db.query<{ type: string; task_id: string; payload: Record<string, unknown> }>("SELECT type, task_id, payload FROM events WHERE run_id = $1 AND type LIKE 'task.duplicate%'", [run.id]);
    expect(events.rows).toEqual([{ type: 'task.duplicate_merged', task_id: duplicate.id, payload: expect.objectContaining({ duplicate_of: original.task.id, reason: duplicate.duplicate_reason }) }]);

    // The exact title of the cancelled duplicate leads to the task it duplicated.
    expect(await agentTask(run.id, 'verify that parser handles errors', conductor)).toMatchObject({ duplicate: true, task: { id: original.task.id } });
    // A task on another subject is its own task.
    expect(await agentTask(run.id, 'Verify the scheduler', conductor)).toMatchObject({ duplicate: false });
  });

  it('only cancels the near-duplicate when the earlier task has started, or when the workflow says cancel', async () => {
    const run = await startTestRun(db, threePhaseWorkflow({ name: 'cancel-duplicates', conductor: { duplicate_action: 'cancel' } }));
    const first = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    await completeTask(db, { taskId: first.id, attempt: 1, workerId: 'w1' }, null);
    const conductor = textOnly();
    const original = await agentTask(run.id, 'Verify the parser handles errors', conductor, 'check the grammar');
    const later = await agentTask(run.id, 'Verify that the parser handles errors', conductor);
    expect(later.nearDuplicate).toMatchObject({ merged: false, reason: expect.stringMatching(/; cancelled$/) });
    expect((await taskRow(original.task.id)).description).toBe('check the grammar');

    const other = await startTestRun(db);
    const started = await agentTask(other.id, 'Verify the lexer handles errors', conductor);
    await db.query("UPDATE tasks SET status = 'running' WHERE id = $1", [started.task.id]);
    const again = await agentTask(other.id, 'Verify the lexer handles all errors', conductor);
    expect(again.nearDuplicate).toMatchObject({ merged: false });
    const types = await db.query<{ type: string }>("SELECT type FROM events WHERE type LIKE 'task.duplicate%' ORDER BY run_id, seq");
    expect(types.rows.map((row) => row.type)).toEqual(['task.duplicate_cancelled', 'task.duplicate_cancelled']);
  });

  it('uses embedding similarity when an embedding model is configured', async () => {
    const run = await startTestRun(db);
    const embeddings = createEmbedder({ resolved: { model: createSimulatedEmbeddingModel({ dimensions: 256 }), name: 'simulated/lexical', provider: 'simulated', simulated: true }, dimensions: 256 });
    const conductor: ConductorServices = { defaults: conductorSchema.parse({ embeddingDuplicateThreshold: 0.8 }), finder: createNearDuplicateFinder({ embeddings }) };
    await agentTask(run.id, 'Verify the parser', conductor, 'check the grammar rules');
    const later = await agentTask(run.id, 'Verify the parser fully', conductor, 'check the grammar rules');
    expect(later.nearDuplicate).toMatchObject({ method: 'embedding' });
    expect(later.nearDuplicate!.reason).toMatch(/embedding similarity 0\.\d\d ≥ 0\.8/);
    expect(await agentTask(run.id, 'Write the storage migration', conductor, 'tables and indexes')).toMatchObject({ duplicate: false });
  });

  it('leaves tasks alone when the workflow turns the conductor off, and never checks tasks people create', async () => {
    const run = await startTestRun(db, threePhaseWorkflow({ name: 'no-conductor', conductor: { enabled: false } }));
    const conductor = textOnly();
    await agentTask(run.id, 'Verify the parser handles errors', conductor);
    expect(await agentTask(run.id, 'Verify that the parser handles errors', conductor)).toMatchObject({ duplicate: false });
    const open = await startTestRun(db);
    await createTask(db, { runId: open.id, phase: 'verify', title: 'Verify the parser handles errors', createdBy: 'api' });
    expect(await createTask(db, { runId: open.id, phase: 'verify', title: 'Verify that the parser handles errors', createdBy: 'api' })).toMatchObject({ duplicate: false });
  });

  it('creates one diagnostic task in a stalled run, naming what waits and on what', async () => {
    const run = await startTestRun(db, threePhaseWorkflow({ conductor: { stall_seconds: 60 } }));
    const first = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    await completeTask(db, { taskId: first.id, attempt: 1, workerId: 'w1' }, null);
    const { task: failed } = await createTask(db, { runId: run.id, phase: 'implement', title: 'Build the lexer', createdBy: 'test' });
    const { task: blocked } = await createTask(db, { runId: run.id, phase: 'verify', title: 'Check the lexer', dependsOn: [failed.id], createdBy: 'test' });
    await db.query("UPDATE tasks SET status = 'cancelled' WHERE id = $1", [failed.id]);
    const conductor = new Conductor({ db, config: conductorSchema.parse({}), logger });

    expect(await conductor.sweep()).toEqual([]); // not idle long enough yet
    await db.query("UPDATE runs SET updated_at = now() - interval '2 minutes' WHERE id = $1", [run.id]);
    const [diagnostic] = await conductor.sweep();
    expect(diagnostic).toMatchObject({ phase: 'analyze', status: 'queued', created_by: 'conductor', priority: 100, title: 'Diagnose why the run stalled (1)' });
    expect(diagnostic!.description).toContain(`${blocked.id} "Check the lexer" [verify] blocked on ${failed.id} "Build the lexer" (cancelled)`);
    const stalled = await db.query<{ payload: Record<string, unknown> }>("SELECT payload FROM events WHERE run_id = $1 AND type = 'run.stalled'", [run.id]);
    expect(stalled.rows).toEqual([{ payload: { idle_seconds_at_least: 60, queued: 0, blocked: 1, diagnostic_task_id: diagnostic!.id } }]);

    // Its one diagnostic used, the run is not diagnosed again however long it stays stalled.
    await db.query("UPDATE tasks SET status = 'cancelled' WHERE id = $1", [diagnostic!.id]);
    await db.query("UPDATE runs SET updated_at = now() - interval '2 hours' WHERE id = $1", [run.id]);
    expect(await conductor.sweep()).toEqual([]);
  });
});
