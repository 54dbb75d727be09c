import type { AgentContext } from './context.js';
import { createSeededRandom } from './random.js';
import { followUpSubjects, followUpTitle, keyWords, subjectOf } from './vocabulary.js';

/**
 * What the simulated agent intends to do for one task attempt, decided up front from
 * (seed, attempt, title). Follow-ups do not depend on the attempt, so a retried task
 * proposes the same titles again and the orchestrator's deduplication answers `duplicate: true`;
 * failure and result submission do depend on it, so a retry can succeed.
 */

export interface FollowUp {
  phase: string;
  title: string;
  description: string;
  priority: number;
  /** Whether this follow-up names the previously created task in depends_on. */
  dependsOnPrevious: boolean;
}

export interface AgentPlan {
  followUps: FollowUp[];
  /** Report a retryable failure instead of completing. */
  fail: boolean;
  /** Call submit_result before complete_task (last phase only; always when the workflow declares a result). */
  submit: boolean;
}

// Relative weights of 0, 1, 2, 3 follow-ups. The first phase fans out; later phases branch less
// than once per task on average (0.85), so a workflow of any length ends after tens of tasks.
const firstPhaseWeights = [0, 0, 40, 60];
const laterPhaseWeights = [30, 45, 25, 0];
const nextPhaseShare = 0.75;
const dependencyShare = 0.5;
const submitShare = 0.5;

export function planAttempt(context: AgentContext, seed: number, failureRate: number): AgentPlan {
  // Choices hang on the title, not the task id (a random uuid), so one seed and one goal give the
  // same tree of work every time: runs, tests and benchmarks are reproducible.
  const attemptRandom = createSeededRandom(seed, 'attempt', context.attempt, context.title);
  const phaseIndex = context.phases.indexOf(context.phase);
  const lastPhase = phaseIndex === context.phases.length - 1;
  // Never fail the last allowed attempt: retries happen, yet every run still finishes.
  const fail = context.attempt < context.max_attempts && attemptRandom.next() < failureRate;
  // Drawn even when a result is wanted, so the choices after it stay the same.
  const submit = lastPhase && (attemptRandom.next() < submitShare || context.result_wanted);
  return { followUps: planFollowUps(context, seed, phaseIndex), fail, submit };
}

function planFollowUps(context: AgentContext, seed: number, phaseIndex: number): FollowUp[] {
  const { phases } = context;
  if (phaseIndex === -1 || phaseIndex === phases.length - 1) return [];
  if (context.depth + 1 > context.max_depth) return [];
  const random = createSeededRandom(seed, 'follow-ups', context.depth, context.title);
  const count = random.weighted(phaseIndex === 0 ? firstPhaseWeights : laterPhaseWeights);
  const laterPhases = phases.length - phaseIndex - 1;
  const ownSubject = subjectOf(context.title);
  const chosen: Array<{ phaseIndex: number; subject: number }> = [];
  for (let index = 0; index < count; index += 1) {
    const target = random.next() < nextPhaseShare ? phaseIndex + 1 : phaseIndex + 1 + random.integer(laterPhases);
    let subject = index === 0 && ownSubject !== undefined ? ownSubject : random.integer(followUpSubjects.length);
    // One task never proposes the same title twice; duplicates come from siblings and retries.
    while (chosen.some((entry) => entry.phaseIndex === target && entry.subject === subject)) {
      subject = (subject + 1) % followUpSubjects.length;
    }
    chosen.push({ phaseIndex: target, subject });
  }
  chosen.sort((left, right) => left.phaseIndex - right.phaseIndex);
  const source = keyWords(context.title).join(' ');
  return chosen.map((entry, index) => {
    const phase = phases[entry.phaseIndex]!;
    const title = followUpTitle(phase, followUpSubjects[entry.subject]!);
    return {
      phase,
      title,
      description: `[simulated] ${title}, found while working on "${context.title}" (${source}).`,
      priority: (random.integer(5) - 2) * 10,
      dependsOnPrevious: index > 0 && random.next() < dependencyShare,
    };
  });
}
