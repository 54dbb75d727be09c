import type { Database } from '../../store/database.js';
import { guardianSpendOfRun, guardianVerdictsOfRun, type GuardianSpend } from '../../store/guardian-verdicts.js';
import { getRun } from '../runs.js';

/**
 * What the guardian did in a run and what it cost, for the API (GET /api/v1/runs/:id/guardian),
 * `anvil runs guardian RUN` and the dashboard: every verdict, and its spend beside the run's so
 * its share is plain. Run totals include the guardian's own calls.
 */
export interface GuardianReport {
  run_id: string;
  spend: GuardianSpend & {
    /** Share of the run's dollars spent by the guardian (0 when the run spent nothing). */
    share_of_run_cost: number;
    /** Share of the run's tokens (input + output) used by the guardian. */
    share_of_run_tokens: number;
  };
  verdicts: {
    id: number;
    task_id: string;
    session_id: string;
    steps_seen: number;
    verdict: string;
    score: number;
    reason: string;
    action: string;
    message_id: string | null;
    model: string;
    tokens: { input: number; output: number };
    cost_usd: number | null;
    created_at: string;
  }[];
}

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

export async function guardianReport(db: Database, runId: string, options: { taskId?: string } = {}): Promise<GuardianReport> {
  const run = await getRun(db, runId);
  const [spend, verdicts] = await Promise.all([guardianSpendOfRun(db, run.id), guardianVerdictsOfRun(db, run.id, options)]);
  const runTokens = Number(run.tokens_input) + Number(run.tokens_output);
  return {
    run_id: run.id,
    spend: {
      ...spend,
      share_of_run_cost: ratio(spend.cost_usd, Number(run.cost_usd)),
      share_of_run_tokens: ratio(spend.tokens_input + spend.tokens_output, runTokens),
    },
    verdicts: verdicts.map((verdict) => ({
      id: verdict.id,
      task_id: verdict.task_id,
      session_id: verdict.session_id,
      steps_seen: verdict.steps_seen,
      verdict: verdict.verdict,
      score: verdict.score,
      reason: verdict.reason,
      action: verdict.action,
      message_id: verdict.message_id,
      model: verdict.model,
      tokens: { input: verdict.tokens_input, output: verdict.tokens_output },
      cost_usd: verdict.cost_usd,
      created_at: new Date(verdict.created_at).toISOString(),
    })),
  };
}
