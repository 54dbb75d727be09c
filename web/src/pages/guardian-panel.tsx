import { useEffect } from 'react';
import { useApi } from '../api/context.js';
import type { GuardianReport, GuardianVerdict } from '../api/types.js';
import { errorMessage } from '../components/states.js';
import { formatTime, formatTokens, formatUsd } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { Link } from '../router.js';

/**
 * The guardian on the run page: what it spent (tokens, dollars, its share of the run) and each
 * verdict it gave a session — verdict, score, what it did and why. Read again when a new
 * `guardian.verdict` event arrives (`lastVerdictSeq`).
 */
const verdictLabels: Record<GuardianVerdict['verdict'], string> = { on_track: 'on track', drifting: 'drifting', stuck: 'stuck', violating: 'breaking the rules' };
const actionLabels: Record<GuardianVerdict['action'], string> = { none: '—', steer: 'steered', stop: 'stopped' };
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function GuardianPanel({ runId, lastVerdictSeq }: { runId: string; lastVerdictSeq: number }) {
  const { client } = useApi();
  const report = useResource((signal) => client.get<GuardianReport>(`/api/v1/runs/${runId}/guardian`, signal), [client, runId]);
  const reload = report.reload;
  useEffect(() => {
    if (lastVerdictSeq > 0) reload();
  }, [lastVerdictSeq, reload]);
  return (
    <section aria-labelledby="guardian-title" className="guardian-panel">
      <h2 id="guardian-title">Guardian</h2>
      {report.state === 'loading' ? <p className="hint">Loading verdicts…</p> : null}
      {report.state === 'error' && !report.data ? <p className="hint">Verdicts unavailable: {errorMessage(report.error)}</p> : null}
      {report.data ? <GuardianReportView report={report.data} /> : null}
    </section>
  );
}

export function GuardianReportView({ report }: { report: GuardianReport }) {
  const { spend, verdicts } = report;
  return (
    <>
      <p className="guardian-spend">
        {spend.reviews} review{spend.reviews === 1 ? '' : 's'} · {spend.steers} steered · {spend.stops} stopped · {formatTokens(spend.tokens_input + spend.tokens_output)} tokens ·{' '}
        {formatUsd(spend.cost_usd)}
        {spend.unpriced_reviews > 0 ? ` (+${spend.unpriced_reviews} unpriced)` : ''} — {percent(spend.share_of_run_tokens)} of the run’s tokens, {percent(spend.share_of_run_cost)} of its cost
      </p>
      {verdicts.length === 0 ? (
        <p className="hint">No verdicts yet.</p>
      ) : (
        <table className="data-table guardian-verdicts">
          <caption className="visually-hidden">Guardian verdicts, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Task</th>
              <th scope="col">Steps</th>
              <th scope="col">Verdict</th>
              <th scope="col">Score</th>
              <th scope="col">Action</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {verdicts.map((verdict) => (
              <tr key={verdict.id} className={`verdict-${verdict.verdict}`}>
                <td>{formatTime(verdict.created_at)}</td>
                <td>
                  <Link to={`/tasks/${verdict.task_id}`}>{verdict.task_id.slice(0, 8)}</Link>
                </td>
                <td>{verdict.steps_seen}</td>
                <td>{verdictLabels[verdict.verdict]}</td>
                <td>{verdict.score.toFixed(2)}</td>
                <td>{actionLabels[verdict.action]}</td>
                <td>{verdict.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
