import { z } from 'zod';

/**
 * Settings of the agents' team-mates: the guardian, which reviews running sessions
 * (src/orchestrator/guardian/), and the conductor, which keeps a run coherent
 * (src/orchestrator/conductor/). These are the defaults; a workflow's `guardian:` and `conductor:`
 * blocks override them for its runs (docs/workflows.md).
 */
const positiveInt = z.number().int().positive();
const share = z.number().min(0).max(1);

export const guardianDefaults = {
  enabled: true,
  everySteps: 3,
  everySeconds: 60,
  transcriptSteps: 8,
  driftingLimit: 2,
  budgetUsd: 1,
} as const;

export const guardianSchema = z
  .object({
    enabled: z.boolean().default(guardianDefaults.enabled),
    /** Cheap model that judges sessions, `provider/model`. Unset: `simulated/guardian` when the default model is simulated, else the default model. */
    model: z.string().regex(/^[a-z0-9-]+\/[\w.:@/-]+$/i, 'expected provider/model').optional(),
    /** A session is reviewed after this many steps since its last review… */
    everySteps: positiveInt.default(guardianDefaults.everySteps),
    /** …or at its first step boundary this many seconds after its last review. */
    everySeconds: positiveInt.default(guardianDefaults.everySeconds),
    /** Most recent steps of the session the guardian reads. */
    transcriptSteps: positiveInt.default(guardianDefaults.transcriptSteps),
    /** `drifting` verdicts in one session before the guardian stops it instead of steering again. */
    driftingLimit: positiveInt.default(guardianDefaults.driftingLimit),
    /** Dollars the guardian may spend per run; past it, sessions of the run are no longer reviewed. */
    budgetUsd: z.number().positive().default(guardianDefaults.budgetUsd),
  })
  .strict()
  .prefault({});

export const conductorDefaults = {
  enabled: true,
  duplicateThreshold: 0.7,
  embeddingDuplicateThreshold: 0.9,
  duplicateAction: 'merge',
  stallSeconds: 300,
  maxDiagnosticTasks: 1,
} as const;

export const conductorSchema = z
  .object({
    enabled: z.boolean().default(conductorDefaults.enabled),
    /** Text similarity (trigram Jaccard of normalised title and description) at which a new task is a near-duplicate. */
    duplicateThreshold: share.default(conductorDefaults.duplicateThreshold),
    /** Cosine similarity of embeddings at which a new task is a near-duplicate, when an embedding model is configured. */
    embeddingDuplicateThreshold: share.default(conductorDefaults.embeddingDuplicateThreshold),
    /** `merge` folds the duplicate into the earlier task while that one has not started; `cancel` only cancels it. */
    duplicateAction: z.enum(['merge', 'cancel']).default(conductorDefaults.duplicateAction),
    /** Seconds without progress, with tasks queued or blocked and none running, before a run counts as stalled. */
    stallSeconds: positiveInt.default(conductorDefaults.stallSeconds),
    /** Diagnostic tasks the conductor may create per run. */
    maxDiagnosticTasks: z.number().int().min(0).default(conductorDefaults.maxDiagnosticTasks),
  })
  .strict()
  .prefault({});

export type GuardianConfig = z.output<typeof guardianSchema>;
export type ConductorConfig = z.output<typeof conductorSchema>;
