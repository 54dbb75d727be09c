import { useState } from 'react';
import { isRouteMissing } from '../api/client.js';
import { useApi } from '../api/context.js';
import { StackedBarChart } from '../components/bar-chart.js';
import { Empty, Loaded } from '../components/states.js';
import { formatPercent, formatUsd } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { costRows, costSummary, pointsBy } from '../state/costs.js';

const windows = [
  { label: 'last 24 hours', hours: 24, bucket: 'hour' },
  { label: 'last 7 days', hours: 24 * 7, bucket: 'day' },
  { label: 'last 30 days', hours: 24 * 30, bucket: 'day' },
];

/** Spend over time by model and by prompt kind, the cache's hit rate, and what it saved. */
export function CostsPage() {
  const { client } = useApi();
  const [period, setPeriod] = useState(1);
  const costs = useResource(async (signal) => {
    const { hours, bucket } = windows[period]!;
    const since = new Date(Date.now() - hours * 3_600_000).toISOString();
    // The totals (GET /costs) and the periods by model and kind (GET /costs/series), side by side;
    // a server without the series still has the report's spend per day.
    const [report, series] = await Promise.all([
      client.get<Record<string, unknown>>(`/api/v1/costs?since=${encodeURIComponent(since)}`, signal),
      client.get<Record<string, unknown>>(`/api/v1/costs/series?since=${encodeURIComponent(since)}&bucket=${bucket}`, signal).catch((error: unknown) => {
        if (isRouteMissing(error)) return undefined;
        throw error;
      }),
    ]);
    return { report, series };
  }, [client, period]);
  return (
    <div className="page costs-page">
      <div className="page-header">
        <h1>Costs</h1>
        <label className="inline">
          Period
          <select value={period} onChange={(event) => setPeriod(Number(event.target.value))}>
            {windows.map((option, index) => (
              <option key={option.label} value={index}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Loaded resource={costs} what="cost analytics">
        {({ report, series }) => {
          const summary = costSummary(report);
          const rows = costRows(series ?? { rows: report.by_day });
          return (
            <>
              <div className="tiles">
                <Tile label="Spend" value={formatUsd(summary.costUsd)} />
                <Tile label="Saved by the cache" value={formatUsd(summary.savedUsd)} />
                <Tile label="Cache hit rate" value={formatPercent(summary.cacheHitRate)} />
                <Tile label="Calls avoided" value={summary.callsAvoided === null ? '—' : String(summary.callsAvoided)} />
                <Tile label="Calls" value={summary.calls === null ? '—' : String(summary.calls)} />
              </div>
              {rows.length === 0 ? (
                <Empty>No model calls in this period.</Empty>
              ) : (
                <div className="two-columns equal">
                  <StackedBarChart title="Spend by model" points={pointsBy(rows, 'model')} format={formatUsd} />
                  <StackedBarChart title="Spend by kind" points={pointsBy(rows, 'kind')} format={formatUsd} />
                  <StackedBarChart title="Dollars saved by the cache" points={pointsBy(rows, 'kind', (row) => row.savedUsd)} format={formatUsd} />
                  <StackedBarChart title="Calls answered from the cache" points={pointsBy(rows, 'model', (row) => row.cacheHits)} format={(value) => String(Math.round(value))} />
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <section className="card tile" aria-label={label}>
      <h2>{label}</h2>
      <p className="big">{value}</p>
    </section>
  );
}
