import type { ConductorConfig, GuardianConfig } from '../../config/agents-schema.js';
import type { WorkflowDefinition } from '../workflow/index.js';

/** The guardian's settings for one run: the workflow's `guardian:` block over the server's defaults. */
export interface GuardianSettings {
  enabled: boolean;
  model: string | undefined;
  everySteps: number;
  everySeconds: number;
  transcriptSteps: number;
  driftingLimit: number;
  budgetUsd: number;
}

export function guardianSettings(defaults: GuardianConfig, workflow: WorkflowDefinition['guardian'] | undefined): GuardianSettings {
  const own = workflow ?? {};
  return {
    enabled: own.enabled ?? defaults.enabled,
    model: own.model ?? defaults.model,
    everySteps: own.every_steps ?? defaults.everySteps,
    everySeconds: own.every_seconds ?? defaults.everySeconds,
    transcriptSteps: own.transcript_steps ?? defaults.transcriptSteps,
    driftingLimit: own.drifting_limit ?? defaults.driftingLimit,
    budgetUsd: own.budget_usd ?? defaults.budgetUsd,
  };
}

/** The conductor's settings for one run: the workflow's `conductor:` block over the server's defaults. */
export interface ConductorSettings {
  enabled: boolean;
  duplicateThreshold: number;
  embeddingDuplicateThreshold: number;
  duplicateAction: 'merge' | 'cancel';
  stallSeconds: number;
  maxDiagnosticTasks: number;
  /** Phase of diagnostic tasks; unset: the workflow's first phase. */
  diagnosticPhase: string | undefined;
}

export function conductorSettings(defaults: ConductorConfig, workflow: WorkflowDefinition['conductor'] | undefined): ConductorSettings {
  const own = workflow ?? {};
  return {
    enabled: own.enabled ?? defaults.enabled,
    duplicateThreshold: own.duplicate_threshold ?? defaults.duplicateThreshold,
    embeddingDuplicateThreshold: own.embedding_duplicate_threshold ?? defaults.embeddingDuplicateThreshold,
    duplicateAction: own.duplicate_action ?? defaults.duplicateAction,
    stallSeconds: own.stall_seconds ?? defaults.stallSeconds,
    maxDiagnosticTasks: own.max_diagnostic_tasks ?? defaults.maxDiagnosticTasks,
    diagnosticPhase: own.diagnostic_phase,
  };
}
