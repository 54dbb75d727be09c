/**
 * Event-to-paint latency, measured only when a page opts in by defining
 * `window.__anvilPaintProbe` (the dashboard benchmark does, before the app loads); otherwise
 * this costs one property read per rendered batch. "Painted" is the first task after the next
 * animation frame: the frame's paint has happened by then.
 */
interface PaintProbe {
  /** `sinceReceived`: from the chunk's arrival in the page; `createdAt`: the batch's oldest event, as the server stored it. */
  record(sample: { sinceReceived: number; createdAt: string | undefined; events: number }): void;
}

declare global {
  interface Window {
    __anvilPaintProbe?: PaintProbe;
  }
}

export function probePaint(receivedAt: number, batch: { created_at: string }[]): void {
  const probe = typeof window === 'undefined' ? undefined : window.__anvilPaintProbe;
  if (!probe) return;
  requestAnimationFrame(() => setTimeout(() => probe.record({ sinceReceived: performance.now() - receivedAt, createdAt: batch[0]?.created_at, events: batch.length }), 0));
}
