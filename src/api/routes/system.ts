import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';

/** Queue depth, workers seen recently, and the database: what an operator checks first. */
export function registerSystemRoutes(app: FastifyInstance, runtime: Runtime): void {
  // Per process: the body names this process's worker, pool and cache state.
  const responseCache = { ttlSeconds: 10, tags: () => ['system'], perProcess: true };
  app.get('/system/status', { config: { scope: 'metrics:read', responseCache }, schema: { tags: ['system'], summary: 'Queue depth, workers and database status' } }, async () => {
    const { db } = runtime;
    const queue = await db.query<{ status: string; count: number }>(
      `SELECT status, count(*)::int AS count FROM tasks WHERE status IN ('queued', 'running', 'in_review', 'blocked', 'waiting_human') GROUP BY status`,
    );
    const workers = await db.query<{ worker_id: string; running: number; last_claim: Date }>(
      `SELECT worker_id, count(*) FILTER (WHERE status = 'running')::int AS running, max(started_at) AS last_claim
       FROM agent_sessions WHERE started_at > now() - interval '10 minutes' GROUP BY worker_id ORDER BY last_claim DESC LIMIT 100`,
    );
    const runs = await db.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM runs GROUP BY status`);
    const depth = Object.fromEntries(queue.rows.map((row) => [row.status, Number(row.count)]));
    return {
      queue: { queued: depth.queued ?? 0, running: depth.running ?? 0, in_review: depth.in_review ?? 0, blocked: depth.blocked ?? 0, waiting_human: depth.waiting_human ?? 0 },
      runs: Object.fromEntries(runs.rows.map((row) => [row.status, Number(row.count)])),
      workers: workers.rows.map((row) => ({ id: row.worker_id, running_sessions: Number(row.running), last_claim: new Date(row.last_claim).toISOString() })),
      this_process: { worker: runtime.worker ? { id: runtime.worker.id, active_tasks: runtime.worker.active.size } : null },
      database: { kind: db.kind, pool: db.poolStatus() },
      cache: runtime.cacheState?.() ?? 'ok',
      model: { default: runtime.models.defaultModelName(), simulated: runtime.models.resolve(runtime.models.defaultModelName()).simulated },
      memory: { mode: runtime.memory.mode, vector_store: runtime.memory.vectorStore.kind, vector_store_reason: runtime.memory.vectorStore.reason, embedding_model: runtime.memory.embeddingModel ?? null },
    };
  });
}
