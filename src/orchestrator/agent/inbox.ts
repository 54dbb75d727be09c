import type { ModelMessage } from 'ai';
import { AnvilError, notFound } from '../../errors.js';
import type { Queryable } from '../../store/database.js';
import {
  insertSessionMessage,
  pendingSessionMessages,
  type SessionMessageRow,
  type SessionMessageSource,
} from '../../store/session-messages.js';
import { findTask } from '../../store/tasks.js';
import { isUuid } from '../runs.js';

/**
 * The session inbox: messages for the agent session working a task, from the guardian or a person.
 * Posting persists the message and its event in one statement; the task's session takes what is
 * waiting before each step, adds it to that step's prompt as a user message labelled with who sent
 * it, and marks it delivered in the statement that persists the step. A message posted while the
 * task waits in the queue reaches the first step of its next session.
 *
 * A stop request ends the session at its next step boundary; the task goes back to the queue with
 * the request's text as the note its next attempt reads (store/queue/stop.ts).
 */
export const maxSessionMessageLength = 20_000;
export const maxAuthorLength = 200;

export interface PostSessionMessageInput {
  runId: string;
  taskId: string;
  from: SessionMessageSource;
  /** Who wrote it (a person's name or key label); shown to the agent. */
  author?: string;
  body: string;
}

export function postSessionMessage(db: Queryable, input: PostSessionMessageInput): Promise<SessionMessageRow> {
  return post(db, input, 'message');
}

export interface RequestSessionStopInput {
  runId: string;
  taskId: string;
  from: SessionMessageSource;
  author?: string;
  /** Why: becomes the task's note for its next attempt. */
  reason: string;
}

export function requestSessionStop(db: Queryable, input: RequestSessionStopInput): Promise<SessionMessageRow> {
  return post(db, { runId: input.runId, taskId: input.taskId, from: input.from, author: input.author, body: input.reason }, 'stop');
}

async function post(db: Queryable, input: PostSessionMessageInput, kind: 'message' | 'stop'): Promise<SessionMessageRow> {
  const field = kind === 'stop' ? 'reason' : 'body';
  const body = input.body.trim();
  if (body.length === 0) throw new AnvilError('VALIDATION_FAILED', `${field}: must not be empty`, { field });
  if (body.length > maxSessionMessageLength) {
    throw new AnvilError('VALIDATION_FAILED', `${field}: at most ${maxSessionMessageLength} characters`, { field, limit: maxSessionMessageLength });
  }
  const author = input.author?.trim() || null;
  if (author && author.length > maxAuthorLength) throw new AnvilError('VALIDATION_FAILED', `author: at most ${maxAuthorLength} characters`, { field: 'author' });
  if (!isUuid(input.taskId)) throw notFound('TASK_NOT_FOUND', input.taskId);
  const row = await insertSessionMessage(db, { runId: input.runId, taskId: input.taskId, kind, source: input.from, author, body });
  if (row) return row;
  const task = await findTask(db, input.taskId);
  if (!task || task.run_id !== input.runId) throw notFound('TASK_NOT_FOUND', input.taskId);
  throw new AnvilError('TASK_STATE_CONFLICT', `task ${task.id} is ${task.status}; no session will read a message`, { id: task.id, status: task.status });
}

/** Who sent a message, as the agent is told. */
export function senderLabel(message: Pick<SessionMessageRow, 'source' | 'author'>): string {
  if (message.source === 'guardian') return 'the guardian (Anvil reviewer watching this session)';
  return message.author ? `${message.author} (a person watching this run)` : 'a person watching this run';
}

/** The user message a session adds to its step's prompt for an inbox message. */
export function inboxPromptMessage(message: SessionMessageRow): ModelMessage {
  return { role: 'user', content: `[Message from ${senderLabel(message)}]\n${message.body}` };
}

/** The note a stopped task carries into its next attempt. */
export function stopNote(message: Pick<SessionMessageRow, 'source' | 'author' | 'body'>): string {
  const who = message.source === 'guardian' ? 'the guardian' : (message.author ?? 'a person');
  return `stopped by ${who}: ${message.body}`;
}

/**
 * One session's view of its inbox: what is waiting, and the messages already added to its prompt,
 * kept at the positions where they were added so later steps see the same conversation.
 */
export class SessionInbox {
  private waiting: SessionMessageRow[] = [];
  private readonly placed: { at: number; message: ModelMessage }[] = [];

  constructor(
    private readonly db: Queryable,
    private readonly taskId: string,
  ) {}

  /** Reads what is waiting (at session start, and after a step that reported waiting messages). */
  async refresh(): Promise<void> {
    this.waiting = await pendingSessionMessages(this.db, this.taskId);
  }

  /** The first stop request waiting, if any. */
  stopRequest(): SessionMessageRow | undefined {
    return this.waiting.find((message) => message.kind === 'stop');
  }

  /** Every stop request waiting (all are answered by one stop). */
  stopRequests(): SessionMessageRow[] {
    return this.waiting.filter((message) => message.kind === 'stop');
  }

  /**
   * Takes the waiting messages for the step about to start, whose input is `base` (the loop's own
   * messages). Returns the messages taken and the step's prompt with every message placed so far.
   */
  takeForStep(base: ModelMessage[]): { taken: SessionMessageRow[]; messages: ModelMessage[] } {
    const taken = this.waiting.filter((message) => message.kind === 'message');
    this.waiting = this.waiting.filter((message) => message.kind !== 'message');
    for (const message of taken) this.placed.push({ at: base.length, message: inboxPromptMessage(message) });
    if (this.placed.length === 0) return { taken, messages: base };
    const messages: ModelMessage[] = [];
    for (let index = 0; index <= base.length; index++) {
      for (const entry of this.placed) if (entry.at === index) messages.push(entry.message);
      if (index < base.length) messages.push(base[index]!);
    }
    return { taken, messages };
  }
}
