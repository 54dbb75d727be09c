import { useEffect, useState } from 'react';
import { useApi } from '../api/context.js';
import type { Question, Run, TaskDetail } from '../api/types.js';
import { errorMessage } from '../components/states.js';
import { formatTime } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { Link } from '../router.js';

/**
 * People in the loop on the dashboard: questions agents asked (answer boxes), approval gates
 * (approve a phase for the run, or one task) and messages to a task's agent. Each control calls the
 * public API and reports its refusal as the server words it.
 */

function useAction(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      onDone();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const problem =
    error === undefined ? null : (
      <p className="field-problem" role="alert">
        {errorMessage(error)}
      </p>
    );
  return { busy, run, problem };
}

/** One open question with its answer box. */
export function AnswerForm({ question, onAnswered }: { question: Question; onAnswered: () => void }) {
  const { client } = useApi();
  const [answer, setAnswer] = useState('');
  const action = useAction(onAnswered);
  const id = `answer-${question.id}`;
  return (
    <form
      className="question"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(() => client.post(`/api/v1/tasks/${question.task_id}/answer`, { answer: answer.trim() })).then((ok) => ok && setAnswer(''));
      }}
    >
      <p>
        {question.task_title ? (
          <>
            <Link to={`/tasks/${question.task_id}`}>{question.task_title}</Link> asks:{' '}
          </>
        ) : (
          'The agent asks: '
        )}
        <q>{question.question}</q> <span className="hint">{formatTime(question.asked_at)}</span>
      </p>
      <label htmlFor={id}>Answer</label>
      <textarea id={id} value={answer} maxLength={20_000} onChange={(event) => setAnswer(event.target.value)} />
      <button type="submit" disabled={action.busy || answer.trim() === ''}>
        Send answer
      </button>
      {action.problem}
    </form>
  );
}

/** The run's open questions; read again whenever the number of tasks waiting for a person changes. */
export function QuestionsPanel({ runId, waiting }: { runId: string; waiting: number }) {
  const { client } = useApi();
  const questions = useResource((signal) => client.get<{ questions: Question[] }>(`/api/v1/runs/${runId}/questions`, signal), [client, runId]);
  const reload = questions.reload;
  useEffect(() => reload(), [waiting, reload]);
  const open = questions.data?.questions ?? [];
  if (open.length === 0) return null;
  return (
    <section className="people-panel" aria-labelledby="questions-title">
      <h2 id="questions-title">Questions waiting ({open.length})</h2>
      {open.map((question) => (
        <AnswerForm key={question.id} question={question} onAnswered={reload} />
      ))}
    </section>
  );
}

/** Gated phases of the run that have not been approved, each with its approve button. */
export function PhaseGates({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const { client } = useApi();
  const action = useAction(onChanged);
  const closed = run.phases.filter((phase) => phase.approval && phase.approval.approved_at === null);
  if (closed.length === 0 || !['running', 'paused', 'pending'].includes(run.status)) return null;
  return (
    <section className="people-panel" aria-labelledby="gates-title">
      <h2 id="gates-title">Waiting for approval</h2>
      {closed.map((phase) => (
        <p key={phase.key}>
          Phase <strong>{phase.key}</strong>: {phase.counts.queued ?? 0} queued, none handed out until approved.{' '}
          <button type="button" disabled={action.busy} onClick={() => void action.run(() => client.post(`/api/v1/runs/${run.id}/phases/${encodeURIComponent(phase.key)}/approve`))}>
            Approve phase {phase.key}
          </button>
        </p>
      ))}
      {action.problem}
    </section>
  );
}

const activeStatuses = ['queued', 'running', 'in_review', 'blocked', 'waiting_human'];

/** On a task's page: its open question, its approval, and a message box for its agent. */
export function TaskPeople({ detail, onChanged }: { detail: TaskDetail; onChanged: () => void }) {
  const { client } = useApi();
  const approve = useAction(onChanged);
  const send = useAction(onChanged);
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState(false);
  const open = (detail.questions ?? []).filter((question) => question.answered_at === null);
  const answered = (detail.questions ?? []).filter((question) => question.answered_at !== null);
  const gate = detail.approval;
  const awaitingApproval = gate && gate.phase_approved_at === null && !detail.approved_at && ['queued', 'blocked'].includes(detail.status);
  const active = activeStatuses.includes(detail.status);
  return (
    <>
      {open.map((question) => (
        <section key={question.id} className="people-panel" aria-label="Question from the agent">
          <AnswerForm question={question} onAnswered={onChanged} />
        </section>
      ))}
      {awaitingApproval && (
        <section className="people-panel" aria-label="Approval">
          <p>
            Phase {detail.phase} needs a person&apos;s approval before this task is handed out.{' '}
            <button type="button" disabled={approve.busy} onClick={() => void approve.run(() => client.post(`/api/v1/tasks/${detail.id}/approve`))}>
              Approve task
            </button>
          </p>
          {approve.problem}
        </section>
      )}
      {detail.approved_at && <p className="hint">Approved by {detail.approved_by} {formatTime(detail.approved_at)}.</p>}
      {answered.length > 0 && (
        <ul className="answered-questions">
          {answered.map((question) => (
            <li key={question.id}>
              Asked <q>{question.question}</q>; {question.answered_by} answered <q>{question.answer}</q>
            </li>
          ))}
        </ul>
      )}
      {active && (
        <form
          className="message-box"
          onSubmit={(event) => {
            event.preventDefault();
            setSent(false);
            void send.run(() => client.post(`/api/v1/tasks/${detail.id}/messages`, { body: message.trim() })).then((ok) => {
              if (!ok) return;
              setMessage('');
              setSent(true);
            });
          }}
        >
          <label htmlFor="agent-message">Message to the agent</label>
          <textarea id="agent-message" value={message} maxLength={20_000} onChange={(event) => setMessage(event.target.value)} />
          <button type="submit" disabled={send.busy || message.trim() === ''}>
            Send message
          </button>
          {sent && (
            <span className="hint" role="status">
              Sent: the agent reads it before its next step.
            </span>
          )}
          {send.problem}
        </form>
      )}
    </>
  );
}
