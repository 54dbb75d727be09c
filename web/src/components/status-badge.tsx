/** A status as a word and a colour: the word carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status.replace('_', ' ')}</span>;
}

export function Badge({ tone, children, title }: { tone: 'simulated' | 'cache' | 'info' | 'warning'; children: string; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
