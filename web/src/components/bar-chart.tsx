/**
 * A stacked bar chart in plain SVG: one bar per time bucket, one colour per series (a model, a
 * prompt kind). Hand-written because a chart library would outweigh the rest of the dashboard.
 * The numbers are also in a table for screen readers and for copying.
 */
export interface ChartPoint {
  bucket: string;
  series: string;
  value: number;
}

export interface BarChartProps {
  title: string;
  points: ChartPoint[];
  format: (value: number) => string;
  height?: number;
}

const width = 640;

export function StackedBarChart({ title, points, format, height = 200 }: BarChartProps) {
  const buckets = [...new Set(points.map((point) => point.bucket))].sort();
  const series = [...new Set(points.map((point) => point.series))].sort();
  const value = (bucket: string, name: string) => points.filter((point) => point.bucket === bucket && point.series === name).reduce((sum, point) => sum + point.value, 0);
  const totals = buckets.map((bucket) => series.reduce((sum, name) => sum + value(bucket, name), 0));
  const max = Math.max(...totals, 0) || 1;
  const plotHeight = height - 24;
  const slot = width / Math.max(1, buckets.length);
  const barWidth = Math.max(2, slot * 0.7);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${buckets.length} periods, peak ${format(max)}`} preserveAspectRatio="none">
        {buckets.map((bucket, bucketIndex) => {
          let offset = plotHeight;
          return (
            <g key={bucket}>
              {series.map((name, seriesIndex) => {
                const barHeight = (value(bucket, name) / max) * (plotHeight - 4);
                offset -= barHeight;
                return (
                  <rect key={name} x={bucketIndex * slot + (slot - barWidth) / 2} y={offset} width={barWidth} height={barHeight} className={`series-${seriesIndex % 6}`}>
                    <title>{`${bucket} · ${name}: ${format(value(bucket, name))}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
        <line x1={0} x2={width} y1={plotHeight} y2={plotHeight} className="axis" />
        {buckets.length > 0 && (
          <>
            <text x={0} y={height - 6} className="axis-label">
              {buckets[0]}
            </text>
            <text x={width} y={height - 6} textAnchor="end" className="axis-label">
              {buckets[buckets.length - 1]}
            </text>
          </>
        )}
      </svg>
      <ul className="legend">
        {series.map((name, index) => (
          <li key={name}>
            <span className={`swatch series-${index % 6}`} aria-hidden="true" /> {name}
          </li>
        ))}
      </ul>
      <details>
        <summary>Numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">period</th>
              {series.map((name) => (
                <th scope="col" key={name}>
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket) => (
              <tr key={bucket}>
                <th scope="row">{bucket}</th>
                {series.map((name) => (
                  <td key={name}>{format(value(bucket, name))}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
