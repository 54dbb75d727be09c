/**
 * A circuit breaker per provider/model. States:
 *   closed     calls pass; consecutive provider failures are counted, a success resets the count
 *   open       after `failureThreshold` consecutive failures: calls are refused at once (the
 *              gateway moves to a fallback model) until `cooldownMs` has passed
 *   half-open  after the cooldown one probe call passes; its success closes the breaker, its
 *              failure opens it for another cooldown
 * Only provider faults count (429, 5xx, timeouts, resets), never a bad request.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openUntil === 0) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** Whether a call may go to the provider now (a half-open breaker lets one probe through). */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  recordFailure(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.options.failureThreshold) {
      this.openUntil = this.now() + this.options.cooldownMs;
      this.probing = false;
    }
  }

  /** A call that ended without a verdict on the provider (a bad request, an abort). */
  release(): void {
    this.probing = false;
  }
}

export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  constructor(private readonly options: BreakerOptions) {}

  for(model: string): CircuitBreaker {
    let breaker = this.breakers.get(model);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options);
      this.breakers.set(model, breaker);
    }
    return breaker;
  }

  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.breakers].map(([model, breaker]) => [model, breaker.state]));
  }
}
