import { z } from 'zod';

/**
 * What the guardian answers about a session, as structured output: a verdict, a score and a reason.
 *
 *   on_track   the agent works toward its task within the phase's rules
 *   drifting   the agent wanders from its task; a steering message brings it back
 *   stuck      the agent repeats itself or makes no progress; steering rarely helps
 *   violating  the agent breaks the phase's rules (tools, scope, instructions)
 */
export const guardianVerdicts = ['on_track', 'drifting', 'stuck', 'violating'] as const;
export type GuardianVerdictName = (typeof guardianVerdicts)[number];

export const guardianVerdictSchema = z.object({
  verdict: z.enum(guardianVerdicts).describe('on_track, drifting, stuck or violating'),
  score: z.number().min(0).max(1).describe('how well the session is going: 1 perfectly on track, 0 hopeless'),
  reason: z.string().min(1).max(1_000).describe('one or two sentences naming what in the transcript led to the verdict'),
});

export type GuardianJudgement = z.infer<typeof guardianVerdictSchema>;

export type GuardianAction = 'none' | 'steer' | 'stop';

/**
 * What the guardian does about a verdict: steer a drifting session until it has drifted
 * `driftingLimit` times, then stop it; stop a stuck or violating one at once (steering a loop
 * or a rule-breaker costs steps and rarely helps; a fresh attempt with the note does better).
 */
export function actionFor(verdict: GuardianVerdictName, driftingSoFar: number, driftingLimit: number): GuardianAction {
  switch (verdict) {
    case 'on_track':
      return 'none';
    case 'drifting':
      return driftingSoFar >= driftingLimit ? 'stop' : 'steer';
    case 'stuck':
    case 'violating':
      return 'stop';
  }
}
