/**
 * A labelled bar: spend against a budget, tasks done against all. Without a limit, only the value.
 * A budget meter warns as it fills; a progress meter filling up is good news and stays calm.
 */
export function Meter({ label, value, max, display, kind = 'progress' }: { label: string; value: number; max: number | null | undefined; display: string; kind?: 'progress' | 'budget' }) {
  const ratio = max ? Math.min(1, value / max) : undefined;
  const tone = ratio === undefined || kind === 'progress' ? '' : ratio >= 0.9 ? ' meter-danger' : ratio >= 0.7 ? ' meter-warning' : '';
  return (
    <div className={`meter${tone}`}>
      <div className="meter-label">
        <span>{label}</span>
        <span>{display}</span>
      </div>
      {ratio !== undefined ? (
        <div className="meter-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={max!} aria-valuenow={value} aria-valuetext={display}>
          <div className="meter-fill" style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
        </div>
      ) : (
        <div className="meter-track meter-unbounded" aria-hidden="true" />
      )}
    </div>
  );
}
