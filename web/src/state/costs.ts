import type { ChartPoint } from '../components/bar-chart.js';

/**
 * The Costs page's numbers from GET /api/v1/costs (`totals`, `by_day`) and GET
 * /api/v1/costs/series (`rows`: one per period, model and kind). Numbers the server leaves out
 * show as "—" rather than as zero.
 */
export interface CostSummary {
  costUsd: number | null;
  savedUsd: number | null;
  calls: number | null;
  callsAvoided: number | null;
  cacheHitRate: number | null;
}

export interface CostRow {
  bucket: string;
  model: string;
  kind: string;
  costUsd: number;
  savedUsd: number;
  calls: number;
  cacheHits: number;
}

type Loose = Record<string, unknown>;

function numberField(source: Loose | undefined, name: string): number | null {
  const value = source?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function costSummary(report: Loose): CostSummary {
  const totals = report.totals as Loose | undefined;
  return {
    costUsd: numberField(totals, 'cost_usd'),
    savedUsd: numberField(totals, 'saved_usd'),
    calls: numberField(totals, 'calls'),
    callsAvoided: numberField(totals, 'calls_avoided'),
    cacheHitRate: numberField(totals, 'cache_hit_rate'),
  };
}

/** Series rows (`period`), or the report's `by_day` rows (`day`, no model or kind). */
export function costRows(response: { rows?: unknown }): CostRow[] {
  const list = Array.isArray(response.rows) ? (response.rows as Loose[]) : [];
  return list.flatMap((row) => {
    const raw = typeof row.period === 'string' ? row.period : typeof row.day === 'string' ? row.day : undefined;
    if (!raw) return [];
    // Whole days read as dates; hours as "date hour:00".
    const bucket = raw.replace(/T00:00Z$/, '').replace('T', ' ').replace(/Z$/, '');
    return [
      {
        bucket,
        model: typeof row.model === 'string' ? row.model : 'all models',
        kind: typeof row.kind === 'string' ? row.kind : 'unclassified',
        costUsd: numberField(row, 'cost_usd') ?? 0,
        savedUsd: numberField(row, 'saved_usd') ?? 0,
        calls: numberField(row, 'calls') ?? 0,
        cacheHits: numberField(row, 'cache_hits') ?? 0,
      },
    ];
  });
}

export function pointsBy(rows: CostRow[], series: 'model' | 'kind', value: (row: CostRow) => number = (row) => row.costUsd): ChartPoint[] {
  return rows.map((row) => ({ bucket: row.bucket, series: row[series], value: value(row) }));
}
