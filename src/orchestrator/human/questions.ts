import type { ModelMessage } from 'ai';
import { AnvilError } from '../../errors.js';
import type { Database } from '../../store/database.js';
import { answerOpenQuestion, insertQuestion, questionsOfRun, questionsOfTask, type HumanQuestionRow } from '../../store/human-questions.js';
import { resumeAfterAnswer, waitForHuman, type LeaseHolder } from '../../store/queue/index.js';
import type { TaskRow } from '../../store/rows.js';
import { getRun } from '../runs.js';
import { getTask } from '../tasks.js';

/**
 * ask_human: an agent asks a person and its task waits.
 *
 *   running ──ask──▶ waiting_human ──answer──▶ queued ──claim──▶ running (the same session, resumed)
 *
 * Asking takes back the attempt counted at claim time (waiting is not a failure) and frees the
 * worker: nobody holds a lease while a person thinks. The answer queues the task again; the next
 * claim continues the agent's session from its persisted steps, with the answer put into the
 * ask_human tool result the agent is waiting on (withHumanAnswers). Both the built-in agent tool
 * and the MCP tool call these functions.
 */

export const maxQuestionLength = 4_000;
export const maxAnswerLength = 20_000;

export interface AskedQuestion {
  question_id: string;
  status: 'waiting_for_answer';
}

export async function askHuman(db: Database, { holder, runId, question }: { holder: LeaseHolder; runId: string; question: string }): Promise<AskedQuestion> {
  const text = question.trim();
  if (!text) throw new AnvilError('VALIDATION_FAILED', 'question: must not be empty', { field: 'question', rule: 'non-empty' });
  if (text.length > maxQuestionLength) throw new AnvilError('VALIDATION_FAILED', `question: at most ${maxQuestionLength} characters`, { field: 'question', rule: 'max-length' });
  return db.transaction(async (transaction) => {
    const row = await insertQuestion(transaction, { runId, taskId: holder.taskId, attempt: holder.attempt, text });
    await waitForHuman(transaction, holder, { id: row.id, text });
    return { question_id: row.id, status: 'waiting_for_answer' };
  });
}

export async function answerQuestion(db: Database, { taskId, answer, author }: { taskId: string; answer: string; author: string }): Promise<{ task: TaskRow; question: HumanQuestionRow }> {
  const text = answer.trim();
  if (!text) throw new AnvilError('VALIDATION_FAILED', 'answer: must not be empty', { field: 'answer', rule: 'non-empty' });
  if (text.length > maxAnswerLength) throw new AnvilError('VALIDATION_FAILED', `answer: at most ${maxAnswerLength} characters`, { field: 'answer', rule: 'max-length' });
  const current = await getTask(db, taskId);
  return db.transaction(async (transaction) => {
    const question = await answerOpenQuestion(transaction, current.id, { text, author });
    if (!question) throw new AnvilError('TASK_STATE_CONFLICT', `task ${current.id} has no open question (it is ${current.status})`, { id: current.id, status: current.status, action: 'answer' });
    const task = await resumeAfterAnswer(transaction, current.id, { questionId: question.id, author, text });
    if (!task) {
      const status = (await getTask(transaction, current.id)).status;
      throw new AnvilError('TASK_STATE_CONFLICT', `task ${current.id} is ${status}; it no longer waits for an answer`, { id: current.id, status, action: 'answer' });
    }
    return { task, question };
  });
}

export async function listQuestions(db: Database, runId: string, { open = true, limit = 100 }: { open?: boolean; limit?: number } = {}) {
  await getRun(db, runId);
  return questionsOfRun(db, runId, { open, limit });
}

export { questionsOfTask };

/**
 * Replayed history with each answered question put into the ask_human tool result the agent was
 * left waiting on, so a resumed agent reads the answer where a tool's answer belongs.
 */
export function withHumanAnswers(history: ModelMessage[], questions: HumanQuestionRow[]): ModelMessage[] {
  const answered = new Map(questions.filter((question) => question.answered_at !== null).map((question) => [question.id, question]));
  if (answered.size === 0) return history;
  return history.map((message) => {
    if (message.role !== 'tool') return message;
    return {
      ...message,
      content: message.content.map((part) => {
        if (part.type !== 'tool-result' || part.toolName !== 'ask_human' || part.output.type !== 'json') return part;
        const value = part.output.value as { question_id?: unknown } | null;
        const question = typeof value?.question_id === 'string' ? answered.get(value.question_id) : undefined;
        if (!question) return part;
        return { ...part, output: { type: 'json' as const, value: { question_id: question.id, question: question.question, answer: question.answer, answered_by: question.answered_by } } };
      }),
    };
  });
}
