/**
 * Per-provider pacing, so a burst of agents does not trip the provider's rate limits: at most
 * `concurrency` calls in flight, and token buckets for requests and (estimated) tokens per minute
 * that refill continuously. Waiters are served first come, first served; a call larger than a
 * whole minute's tokens waits for a full bucket rather than forever. A limit of 0 is off.
 */
export interface PacingLimits {
  concurrency: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
}

interface Waiter {
  tokens: number;
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

class Bucket {
  private level: number;
  private updatedAt: number;
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {
    this.level = perMinute;
    this.updatedAt = now();
  }
  private refill(): void {
    const now = this.now();
    this.level = Math.min(this.perMinute, this.level + ((now - this.updatedAt) * this.perMinute) / 60_000);
    this.updatedAt = now;
  }
  /** Milliseconds until `amount` fits (0: it fits now). */
  waitFor(amount: number): number {
    if (this.perMinute === 0) return 0;
    this.refill();
    const needed = Math.min(amount, this.perMinute) - this.level;
    return needed <= 0 ? 0 : Math.ceil((needed * 60_000) / this.perMinute);
  }
  take(amount: number): void {
    if (this.perMinute > 0) this.level -= Math.min(amount, this.perMinute);
  }
}

export class Pacer {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private readonly requests: Bucket;
  private readonly tokens: Bucket;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: PacingLimits,
    now: () => number = Date.now,
  ) {
    this.requests = new Bucket(limits.requestsPerMinute, now);
    this.tokens = new Bucket(limits.tokensPerMinute, now);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once the call may start. */
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<() => void> {
    if (this.queue.length === 0 && this.fits(estimatedTokens) === 0) return Promise.resolve(this.start(estimatedTokens));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { tokens: estimatedTokens, resolve, reject, signal };
      if (signal) {
        if (signal.aborted) return reject(signal.reason);
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.drain();
    });
  }

  /** 0 when a call of this size may start now; Infinity while the concurrency limit is reached; else ms to wait. */
  private fits(tokens: number): number {
    if (this.inFlight >= this.limits.concurrency) return Infinity;
    return Math.max(this.requests.waitFor(1), this.tokens.waitFor(tokens));
  }

  private start(tokens: number): () => void {
    this.inFlight += 1;
    this.requests.take(1);
    this.tokens.take(tokens);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const wait = this.fits(head.tokens);
      if (wait === Infinity) return; // a release will drain again
      if (wait > 0) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.drain();
          }, wait);
        }
        return;
      }
      this.queue.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve(this.start(head.tokens));
    }
  }
}
