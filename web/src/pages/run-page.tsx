import { useMemo, useState } from 'react';
import { useApi } from '../api/context.js';
import { finalRunStatuses, type Run } from '../api/types.js';
import { Meter } from '../components/meter.js';
import { Badge, StatusBadge } from '../components/status-badge.js';
import { ErrorState, Loading, errorMessage } from '../components/states.js';
import { formatTokens, formatUsd } from '../format.js';
import { useRunLive } from '../state/use-run-live.js';
import { Link } from '../router.js';
import { DiscoveryTreeView } from './discovery-tree-view.js';
import { EventsFeed } from './events-feed.js';
import { GuardianPanel } from './guardian-panel.js';
import { PhaseGates, QuestionsPanel } from './people-panels.js';
import { RunBoard } from './run-board.js';

const streamLabels = { connecting: 'connecting…', open: 'live', reconnecting: 'reconnecting', ended: 'finished', failed: 'stream refused' } as const;

export function RunPage({ runId }: { runId: string }) {
  const live = useRunLive(runId);
  const phaseKeys = useMemo(() => live.run?.phases.map((phase) => phase.key) ?? [], [live.run?.phases]);
  if (live.state === 'loading') return <Loading label="Loading run…" />;
  if (live.state === 'error' || !live.run) return <ErrorState error={live.error} onRetry={() => window.location.reload()} />;
  const { run, tasks } = live;
  const finished = [...tasks.values()].filter((task) => task.status === 'done' || task.status === 'failed' || task.status === 'cancelled').length;
  const waiting = [...tasks.values()].filter((task) => task.status === 'waiting_human').length;
  const lastVerdictSeq = live.feed.findLast((event) => event.type === 'guardian.verdict')?.seq ?? 0;
  return (
    <div className="page run-page">
      <p className="breadcrumb">
        <Link to="/">Runs</Link> / run {run.id.slice(0, 8)}
      </p>
      <RunHeader run={run} onChanged={live.refreshRun} />
      <p className="stream-state" role="status" aria-live="polite">
        Events: <span className={`stream-${live.stream}`}>{streamLabels[live.stream]}</span>
        {live.streamDetail ? ` — ${live.streamDetail}` : ''}
      </p>
      <div className="meters">
        <Meter label="Tasks finished" value={finished} max={tasks.size || null} display={`${finished} / ${tasks.size}`} />
        <Meter kind="budget" label="Cost" value={run.cost_usd} max={run.budget.usd} display={`${formatUsd(run.cost_usd)}${run.budget.usd ? ` of ${formatUsd(run.budget.usd)}` : ''}`} />
        <Meter
          kind="budget"
          label="Tokens"
          value={run.tokens.input + run.tokens.output}
          max={run.budget.tokens}
          display={`${formatTokens(run.tokens.input)} in · ${formatTokens(run.tokens.output)} out${run.budget.tokens ? ` of ${formatTokens(run.budget.tokens)}` : ''}`}
        />
      </div>
      <PhaseGates run={run} onChanged={live.refreshRun} />
      <QuestionsPanel runId={run.id} waiting={waiting} />
      <GuardianPanel runId={run.id} lastVerdictSeq={lastVerdictSeq} />
      <section aria-labelledby="board-title">
        <h2 id="board-title">Board</h2>
        <RunBoard tasks={tasks} phases={phaseKeys} />
      </section>
      <div className="two-columns equal">
        <section aria-labelledby="tree-title">
          <h2 id="tree-title">Discovery tree</h2>
          <DiscoveryTreeView tasks={tasks} />
        </section>
        <section aria-labelledby="events-title">
          <h2 id="events-title">Events</h2>
          <EventsFeed events={live.feed} />
        </section>
      </div>
    </div>
  );
}

function RunHeader({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const { client } = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const act = async (action: 'cancel' | 'resume') => {
    if (action === 'cancel' && !window.confirm('Cancel this run? Running tasks stop at their next heartbeat.')) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.post(`/api/v1/runs/${run.id}/${action}`);
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const final = finalRunStatuses.includes(run.status);
  return (
    <header className="run-header">
      <h1>{run.goal}</h1>
      <div className="run-facts">
        <StatusBadge status={run.status} />
        {run.simulated && <Badge tone="simulated" title="The default model is simulated: no LLM key is configured">simulated</Badge>}
        <span>
          workflow {run.workflow.name ?? run.workflow.id}
          {run.workflow.version ? ` v${run.workflow.version}` : ''}
        </span>
        {run.status_reason && <span className="hint">{run.status_reason}</span>}
        {run.status === 'paused' && (
          <button type="button" onClick={() => void act('resume')} disabled={busy}>
            Resume
          </button>
        )}
        {!final && (
          <button type="button" className="danger" onClick={() => void act('cancel')} disabled={busy}>
            Cancel run
          </button>
        )}
      </div>
      {error !== undefined && (
        <p className="field-problem" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </header>
  );
}
