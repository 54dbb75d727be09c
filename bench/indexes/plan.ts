import type { Queryable } from '../../src/store/database.js';

/** One node of an EXPLAIN (FORMAT JSON) plan, only the fields read here. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** EXPLAIN (FORMAT JSON) without ANALYZE: plans the statement, never runs it (safe for UPDATEs). */
export async function explain(db: Queryable, sql: string, params: readonly unknown[]): Promise<PlanNode> {
  const result = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const raw = result.rows[0]?.['QUERY PLAN'];
  const document = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  const plan = document[0]?.Plan;
  if (!plan) throw new Error('EXPLAIN returned no plan');
  return plan;
}

/** EXPLAIN (ANALYZE): runs the statement and returns the server's execution time, no round trip. */
export async function executionTimeMs(db: Queryable, sql: string, params: readonly unknown[]): Promise<number> {
  const result = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const raw = result.rows[0]?.['QUERY PLAN'];
  const document = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { 'Execution Time': number }[];
  const time = document[0]?.['Execution Time'];
  if (time === undefined) throw new Error('EXPLAIN ANALYZE returned no execution time');
  return time;
}

export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** Names of every index the plan reads. */
export function indexesUsed(plan: PlanNode): string[] {
  return [...new Set(planNodes(plan).flatMap((node) => (node['Index Name'] ? [node['Index Name']] : [])))];
}

/** How the plan reads one table: "Index Scan tasks_claim_idx", "Bitmap Heap Scan llm_calls_run_idx", "Seq Scan". */
export function scansOf(plan: PlanNode, table: string): string[] {
  return planNodes(plan)
    .filter((node) => node['Relation Name'] === table && /Scan/.test(node['Node Type']))
    .map((node) => {
      // A bitmap heap scan names no index itself; its Bitmap Index Scan children do.
      const indexes = node['Index Name'] ? [node['Index Name']] : indexesUsed(node);
      return [node['Node Type'], ...indexes].join(' ');
    });
}
