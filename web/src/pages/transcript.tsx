import type { Session, Step } from '../api/types.js';
import { Badge, StatusBadge } from '../components/status-badge.js';
import { formatTokens, formatUsd } from '../format.js';

/**
 * An agent's transcript, step by step: what the model said, which tools it called with what, what
 * came back, and what each step cost. Text is rendered as text (React escapes it), never as HTML.
 */
interface Message {
  role?: string;
  content?: unknown;
}

function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: string; text?: string; toolName?: string }) => (part.type === 'text' ? (part.text ?? '') : part.type === 'tool-call' ? `→ ${part.toolName}` : part.type === 'tool-result' ? `← ${part.toolName}` : ''))
      .filter(Boolean)
      .join('\n');
  }
  return '';
}

export function isCacheHit(step: Step): boolean {
  return step.usage?.cacheHit === true || step.payload?.cacheHit === true;
}

export function StepView({ step, simulated }: { step: Step; simulated: boolean }) {
  const usage = step.usage ?? {};
  const messages = (step.payload.messages ?? []) as Message[];
  const assistantText = step.payload.text ?? '';
  return (
    <li className="step">
      <div className="step-header">
        <strong>Step {step.index + 1}</strong>
        <span className="hint">{step.kind.replace('_', ' ')}</span>
        <span title="input tokens / output tokens">
          {formatTokens(usage.inputTokens ?? 0)} in · {formatTokens(usage.outputTokens ?? 0)} out
        </span>
        <span title="cost">{usage.costUsd === null ? 'cost unknown' : formatUsd(usage.costUsd ?? 0)}</span>
        {isCacheHit(step) && <Badge tone="cache" title="Answered from the gateway cache: no model call, $0">cache hit</Badge>}
        {simulated && <Badge tone="simulated" title="Produced by the simulated model">simulated</Badge>}
        {step.payload.finishReason && <span className="hint">finish: {step.payload.finishReason}</span>}
      </div>
      {assistantText && <p className="step-text">{assistantText}</p>}
      {(step.payload.toolCalls ?? []).map((call) => {
        const result = step.payload.toolResults?.find((candidate) => candidate.toolCallId === call.toolCallId);
        return (
          <div key={call.toolCallId} className="tool-call">
            <div>
              <span className="tool-name">{call.toolName}</span> called with
            </div>
            <pre>{json(call.input)}</pre>
            {result && (
              <>
                <div>result</div>
                <pre>{json(result.output)}</pre>
              </>
            )}
          </div>
        );
      })}
      {messages.length > 0 && (
        <details>
          <summary>{messages.length} message(s) of this step</summary>
          <ol className="messages">
            {messages.map((message, index) => (
              <li key={index}>
                <span className="message-role">{message.role ?? 'message'}</span> <span className="message-text">{messageText(message.content) || json(message.content)}</span>
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}

export function SessionView({ session }: { session: Session }) {
  return (
    <section className="session card" aria-label={`Attempt ${session.attempt}`}>
      <h3>
        Attempt {session.attempt} <StatusBadge status={session.status} />
      </h3>
      <p className="hint">
        model {session.model} · worker {session.worker_id} · {formatTokens(session.tokens.input)} in · {formatTokens(session.tokens.output)} out · {formatUsd(session.cost_usd)}
        {session.resumed_from ? ' · resumed after an interruption' : ''}
      </p>
      {session.error && <p className="field-problem">{session.error}</p>}
      {session.steps.length === 0 ? (
        <p className="hint">No steps yet.</p>
      ) : (
        <ol className="steps">
          {session.steps.map((step) => (
            <StepView key={step.index} step={step} simulated={session.simulated} />
          ))}
        </ol>
      )}
    </section>
  );
}
