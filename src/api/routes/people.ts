import type { FastifyInstance, FastifyRequest } from 'fastify';
import { postSessionMessage } from '../../orchestrator/agent/inbox.js';
import { approvePhase, approveTask } from '../../orchestrator/human/approvals.js';
import { answerQuestion, listQuestions, maxAnswerLength } from '../../orchestrator/human/questions.js';
import { getTask } from '../../orchestrator/tasks.js';
import type { Runtime } from '../../runtime.js';
import type { HumanQuestionRow } from '../../store/human-questions.js';
import { reviewsOfTask } from '../../store/reviews.js';
import { runTag } from '../response-cache-invalidation.js';
import { errorResponse, idParams, integer, object, text } from '../schemas.js';
import { iso, taskView } from '../views.js';

/**
 * People in the loop: answering an agent's question (ask_human), approving a gated phase or task,
 * and writing to a task's running agent (the session inbox). Who acted is the API key's name.
 */

// A write names the cached reads it makes stale when its run is in the path; the others are
// invalidated by their events (response-cache-invalidation.ts).
const runWrite = (request: { params: unknown }) => [runTag((request.params as { id: string }).id), 'runs', 'system'];
const author = (request: FastifyRequest) => request.principal?.name ?? 'api';

export function questionView(question: HumanQuestionRow & { title?: string; phase?: string }) {
  return {
    id: question.id,
    run_id: question.run_id,
    task_id: question.task_id,
    ...(question.title !== undefined ? { task_title: question.title, phase: question.phase } : {}),
    question: question.question,
    answer: question.answer,
    answered_by: question.answered_by,
    asked_at: iso(question.asked_at),
    answered_at: iso(question.answered_at),
  };
}

const messageResponse = {
  type: 'object',
  properties: { id: { type: 'string' }, task_id: { type: 'string' }, author: { type: ['string', 'null'] }, body: { type: 'string' }, created_at: { type: 'string' }, delivered_at: { type: ['string', 'null'] } },
} as const;

export function registerPeopleRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get(
    '/runs/:id/questions',
    {
      config: { scope: 'runs:read', inspect: { params: { id: 'identifier' }, query: { status: 'identifier', limit: 'identifier' } } },
      schema: {
        tags: ['people'],
        summary: "A run's questions from agents (ask_human), oldest first: the open ones, or all",
        params: idParams,
        querystring: object({ status: { enum: ['open', 'all'] }, limit: integer(1, 500) }),
        response: { 404: errorResponse },
      },
    },
    async (request) => {
      const query = request.query as { status?: 'open' | 'all'; limit?: number };
      const questions = await listQuestions(db, (request.params as { id: string }).id, { open: query.status !== 'all', limit: query.limit ?? 100 });
      return { questions: questions.map(questionView) };
    },
  );

  app.post(
    '/tasks/:id/answer',
    {
      config: { scope: 'runs:write', inspect: { params: { id: 'identifier' }, body: { answer: 'text' } } },
      schema: {
        tags: ['people'],
        summary: "Answer the question a task's agent asked; the task is queued again and its session resumes with the answer",
        params: idParams,
        body: object({ answer: text(maxAnswerLength, 1) }, ['answer']),
        response: { 404: errorResponse, 409: errorResponse },
      },
    },
    async (request) => {
      const { task, question } = await answerQuestion(db, { taskId: (request.params as { id: string }).id, answer: (request.body as { answer: string }).answer, author: author(request) });
      return { task: taskView(task), question: questionView(question) };
    },
  );

  app.post(
    '/tasks/:id/approve',
    {
      config: { scope: 'runs:write', inspect: { params: { id: 'identifier' } } },
      schema: { tags: ['people'], summary: 'Approve one task of a gated phase (approval: required) so that it can be claimed', params: idParams, response: { 404: errorResponse, 409: errorResponse } },
    },
    async (request) => {
      const task = await approveTask(db, { taskId: (request.params as { id: string }).id, author: author(request) });
      return taskView(task);
    },
  );

  app.post(
    '/runs/:id/phases/:phase/approve',
    {
      config: { scope: 'runs:write', inspect: { params: { id: 'identifier', phase: 'identifier' } }, invalidates: runWrite },
      schema: {
        tags: ['people'],
        summary: "Approve a gated phase for the run: every task of it, now and later, can be claimed",
        params: object({ id: text(100, 1), phase: text(63, 1) }, ['id', 'phase']),
        response: { 400: errorResponse, 404: errorResponse, 409: errorResponse },
      },
    },
    async (request) => {
      const { id, phase } = request.params as { id: string; phase: string };
      const gate = await approvePhase(db, { runId: id, phase, author: author(request) });
      return { run_id: gate.run_id, phase: gate.phase, approved_at: iso(gate.approved_at), approved_by: gate.approved_by };
    },
  );

  app.post(
    '/tasks/:id/messages',
    {
      config: { scope: 'runs:write', inspect: { params: { id: 'identifier' }, body: { body: 'prompt' } } },
      schema: {
        tags: ['people'],
        summary: "Write to a task's agent: delivered before its session's next step (or the first step of its next session)",
        params: idParams,
        body: object({ body: text(20_000, 1) }, ['body']),
        response: { 201: messageResponse, 404: errorResponse, 409: errorResponse },
      },
    },
    async (request, reply) => {
      const task = await getTask(db, (request.params as { id: string }).id);
      const message = await postSessionMessage(db, { runId: task.run_id, taskId: task.id, from: 'human', author: author(request), body: (request.body as { body: string }).body });
      return reply.status(201).send({ id: message.id, task_id: message.task_id, author: message.author, body: message.body, created_at: iso(message.created_at), delivered_at: iso(message.delivered_at) });
    },
  );

  app.get(
    '/tasks/:id/reviews',
    {
      config: { scope: 'runs:read', inspect: { params: { id: 'identifier' } } },
      schema: { tags: ['tasks'], summary: "A task's reviewer verdicts (its own, and on results it submitted), oldest first", params: idParams, response: { 404: errorResponse } },
    },
    async (request) => {
      const task = await getTask(db, (request.params as { id: string }).id);
      const reviews = await reviewsOfTask(db, task.id);
      return {
        reviews: reviews.map((review) => ({
          id: review.id,
          subject: review.subject,
          round: review.round,
          verdict: review.verdict,
          feedback: review.feedback,
          model: review.model,
          tokens: { input: Number(review.tokens_input), output: Number(review.tokens_output) },
          cost_usd: review.cost_usd === null ? null : Number(review.cost_usd),
          created_at: iso(review.created_at),
        })),
      };
    },
  );
}
