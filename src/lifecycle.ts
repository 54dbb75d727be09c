import { setMaxListeners } from 'node:events';

/**
 * A process's place in its lifecycle, read by whatever must behave differently while it shuts
 * down: `/readyz` answers 503 `draining` so a load balancer stops sending new requests, and open
 * event streams end so their clients reconnect (with Last-Event-ID) to another node at once
 * instead of when the process dies. States: serving → draining (first SIGTERM) → closed.
 */
export interface Lifecycle {
  readonly draining: boolean;
  /** Aborted when draining starts. */
  readonly signal: AbortSignal;
  drain(): void;
}

export function createLifecycle(): Lifecycle {
  const controller = new AbortController();
  // Every open event stream listens for the drain: thousands are ordinary, not a leak.
  setMaxListeners(0, controller.signal);
  return {
    get draining() {
      return controller.signal.aborted;
    },
    signal: controller.signal,
    drain() {
      if (!controller.signal.aborted) controller.abort(new Error('draining'));
    },
  };
}
