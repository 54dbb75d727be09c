import type { Logger } from 'pino';
import type { ConductorConfig } from '../../config/agents-schema.js';
import type { Embedder } from '../../llm/embeddings/index.js';
import type { Database } from '../../store/database.js';
import { stalledRunCandidates } from '../../store/stalled-runs.js';
import type { TaskRow } from '../../store/rows.js';
import { findRun } from '../../store/runs.js';
import { conductorSettings } from '../guardian/settings.js';
import type { ConductorServices } from '../tasks.js';
import { getWorkflow } from '../workflows.js';
import { createNearDuplicateFinder } from './near-duplicates.js';
import { diagnoseStalledRun } from './stall.js';

/**
 * The conductor keeps a run coherent. Near-duplicates are caught as agents create tasks
 * (`services`, used by the create_task tool through orchestrator/tasks.ts); stalled runs are found
 * by `sweep()`, which every worker calls with its lease sweep.
 */
export class Conductor {
  readonly services: ConductorServices;

  constructor(private readonly options: { db: Database; config: ConductorConfig; embeddings?: Embedder; logger: Logger }) {
    this.services = { defaults: options.config, finder: createNearDuplicateFinder({ embeddings: options.embeddings, logger: options.logger }) };
  }

  /** Creates a diagnostic task in each stalled run (at most one process does it per run). */
  async sweep(): Promise<TaskRow[]> {
    const { db, config, logger } = this.options;
    const created: TaskRow[] = [];
    for (const candidate of await stalledRunCandidates(db, config)) {
      try {
        const run = await findRun(db, candidate.id);
        if (!run) continue;
        const { definition } = await getWorkflow(db, run.workflow_id);
        const task = await diagnoseStalledRun(db, { runId: run.id, workflow: definition, settings: conductorSettings(config, definition.conductor) });
        if (task) {
          logger.info({ runId: run.id, taskId: task.id, idleSeconds: Math.round(candidate.idle_seconds) }, 'run stalled; diagnostic task created');
          created.push(task);
        }
      } catch (error) {
        logger.warn({ err: error, runId: candidate.id }, 'stall diagnosis failed');
      }
    }
    return created;
  }
}
