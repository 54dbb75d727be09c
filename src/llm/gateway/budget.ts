import { randomUUID } from 'node:crypto';
import { AnvilError } from '../../errors.js';
import type { Database } from '../../store/database.js';
import { runSpend, tenantSpend } from '../../store/llm-calls.js';
import { keySegment } from './cache-key.js';
import type { AccountLimits, Amount, BudgetStore } from './budget-store.js';

/**
 * Budgets in dollars and tokens, per run (the workflow's `budget`) and per tenant per UTC day.
 * Before a call is sent its estimated cost is reserved on every account it touches; a call that
 * would take an account past its cap is refused (BUDGET_EXCEEDED) and never reaches the provider.
 * After the call the reservation is settled to what the provider reported. A run's limits and
 * a seed of its spend are read from the database once per run per process, never per call.
 *
 * At `warnAt` (80 %) of a run's budget a `run.budget_warning` event is sent, once per run across
 * processes (an atomic counter in the cache decides who sends it).
 */
export class BudgetExceededError extends AnvilError {
  constructor(
    readonly scope: 'run' | 'tenant',
    readonly runId: string | undefined,
    details: Record<string, unknown>,
  ) {
    super('BUDGET_EXCEEDED', `${scope === 'run' ? `run ${runId}` : `tenant ${String(details.tenant)}`} budget exhausted: ${String(details.reason)}`, details);
    this.name = 'BudgetExceededError';
  }
}

export function isBudgetExceeded(error: unknown): error is BudgetExceededError {
  return error instanceof BudgetExceededError || (error instanceof AnvilError && error.code === 'BUDGET_EXCEEDED');
}

export interface TenantLimits {
  usd?: number;
  tokens?: number;
}

export interface BudgetGateOptions {
  db: Database;
  /** The store to use now: Redis while it serves, else memory. */
  store: () => BudgetStore;
  reservationSeconds: number;
  warnAt: number;
  tenantLimits: (tenant: string) => TenantLimits | undefined;
  /** Called once per run when its spend crosses `warnAt`. */
  onWarning: (runId: string, details: Record<string, unknown>) => Promise<void>;
  /** Decides the one sender of a warning across processes: true for the first caller. */
  firstToWarn: (runId: string) => Promise<boolean>;
}

export interface Reservation {
  id: string;
  accounts: AccountLimits[];
  amount: Amount;
  runId?: string;
}

const microUsd = (usd: number) => Math.ceil(usd * 1_000_000);

export class BudgetGate {
  private readonly runLimits = new Map<string, { usd?: number; tokens?: number } | null>();
  private readonly warned = new Set<string>();

  constructor(private readonly options: BudgetGateOptions) {}

  /** Reserves the estimate, or throws BudgetExceededError; undefined when no budget applies. */
  async reserve({ runId, tenant, tenantDailyUsd, estimateUsd, estimateTokens }: { runId?: string; tenant: string; tenantDailyUsd?: number; estimateUsd: number; estimateTokens: number }): Promise<Reservation | undefined> {
    const accounts: AccountLimits[] = [];
    const runAccount = runId ? await this.runAccount(runId) : undefined;
    if (runAccount) accounts.push(runAccount);
    const tenantAccount = this.tenantAccount(tenant, tenantDailyUsd);
    if (tenantAccount) accounts.push(tenantAccount);
    if (accounts.length === 0) return undefined;

    const amount = { microUsd: microUsd(estimateUsd), tokens: Math.ceil(estimateTokens) };
    const id = randomUUID();
    const expiresAt = Date.now() + this.options.reservationSeconds * 1000;
    for (let attempt = 0; attempt < 3; attempt++) {
      const store = this.options.store();
      const outcome = await store.reserve(accounts, id, amount, expiresAt);
      if (outcome.status === 'admitted') return { id, accounts, amount, runId };
      if (outcome.status === 'unseeded') {
        const account = accounts.find((candidate) => candidate.key === outcome.account)!;
        await store.seed(account, await this.spent(account, runId, tenant));
        continue;
      }
      const account = accounts.find((candidate) => candidate.key === outcome.account)!;
      const scope = account === runAccount ? 'run' : 'tenant';
      // A refusal can come before 80 % was ever settled (a large estimate): warn first, once.
      if (scope === 'run' && runId) await this.warn(runId, account, outcome.settled, Math.max(this.options.warnAt, this.share(account, outcome.settled)));
      const overUsd = account.limitMicroUsd !== undefined && outcome.settled.microUsd + outcome.reserved.microUsd + amount.microUsd > account.limitMicroUsd;
      throw new BudgetExceededError(scope, runId, {
        scope,
        runId,
        tenant,
        reason: overUsd
          ? `spent $${(outcome.settled.microUsd / 1e6).toFixed(6)} of $${(account.limitMicroUsd! / 1e6).toFixed(6)}; this call needs up to $${(amount.microUsd / 1e6).toFixed(6)}`
          : `spent ${outcome.settled.tokens} of ${account.limitTokens} tokens; this call needs up to ${amount.tokens}`,
        limitUsd: account.limitMicroUsd === undefined ? null : account.limitMicroUsd / 1e6,
        limitTokens: account.limitTokens ?? null,
        spentUsd: outcome.settled.microUsd / 1e6,
        spentTokens: outcome.settled.tokens,
        reservedUsd: outcome.reserved.microUsd / 1e6,
        estimateUsd: amount.microUsd / 1e6,
        estimateTokens: amount.tokens,
      });
    }
    throw new AnvilError('INTERNAL', 'budget account could not be seeded');
  }

  /** Replaces the reservation with what the call really cost (0 for a failed call). */
  async settle(reservation: Reservation | undefined, actual: { usd: number | null; tokens: number }): Promise<void> {
    if (!reservation) return;
    const amount = { microUsd: microUsd(actual.usd ?? 0), tokens: actual.tokens };
    const totals = await this.options.store().settle(reservation.accounts, reservation.id, reservation.amount, amount);
    const runAccount = reservation.accounts[0];
    if (!reservation.runId || !runAccount || !runAccount.key.startsWith('llm:budget:run:') || this.warned.has(reservation.runId)) return;
    const settled = totals[0]!;
    const share = this.share(runAccount, settled);
    if (share >= this.options.warnAt) await this.warn(reservation.runId, runAccount, settled, share);
  }

  private share(account: AccountLimits, settled: Amount): number {
    const shareUsd = account.limitMicroUsd ? settled.microUsd / account.limitMicroUsd : 0;
    const shareTokens = account.limitTokens ? settled.tokens / account.limitTokens : 0;
    return Math.max(shareUsd, shareTokens);
  }

  private async warn(runId: string, account: AccountLimits, settled: Amount, share: number): Promise<void> {
    if (this.warned.has(runId)) return;
    this.warned.add(runId);
    if (!(await this.options.firstToWarn(runId))) return;
    await this.options.onWarning(runId, {
      share: Math.round(share * 1000) / 1000,
      spent_usd: settled.microUsd / 1e6,
      budget_usd: account.limitMicroUsd === undefined ? null : account.limitMicroUsd / 1e6,
      spent_tokens: settled.tokens,
      budget_tokens: account.limitTokens ?? null,
    });
  }

  private async runAccount(runId: string): Promise<AccountLimits | undefined> {
    let limits = this.runLimits.get(runId);
    if (limits === undefined) {
      const spend = await runSpend(this.options.db, runId);
      limits = spend && (spend.budgetUsd !== null || spend.budgetTokens !== null) ? { usd: spend.budgetUsd ?? undefined, tokens: spend.budgetTokens ?? undefined } : null;
      if (this.runLimits.size > 10_000) this.runLimits.clear();
      this.runLimits.set(runId, limits);
    }
    if (!limits) return undefined;
    return { key: `llm:budget:run:${runId}`, limitMicroUsd: limits.usd === undefined ? undefined : microUsd(limits.usd), limitTokens: limits.tokens, ttlSeconds: 30 * 86_400 };
  }

  private tenantAccount(tenant: string, dailyUsd: number | undefined): AccountLimits | undefined {
    const configured = this.options.tenantLimits(tenant);
    const limits = dailyUsd === undefined ? configured : { ...configured, usd: dailyUsd };
    if (!limits || (limits.usd === undefined && limits.tokens === undefined)) return undefined;
    const day = new Date().toISOString().slice(0, 10);
    return { key: `llm:budget:tenant:${keySegment(tenant)}:${day}`, limitMicroUsd: limits.usd === undefined ? undefined : microUsd(limits.usd), limitTokens: limits.tokens, ttlSeconds: 2 * 86_400 };
  }

  private async spent(account: AccountLimits, runId: string | undefined, tenant: string): Promise<Amount> {
    if (account.key.startsWith('llm:budget:run:') && runId) {
      const spend = await runSpend(this.options.db, runId);
      return { microUsd: microUsd(spend?.costUsd ?? 0), tokens: spend?.tokens ?? 0 };
    }
    const day = account.key.slice(account.key.lastIndexOf(':') + 1);
    const spend = await tenantSpend(this.options.db, tenant, new Date(`${day}T00:00:00Z`));
    return { microUsd: microUsd(spend.costUsd), tokens: spend.tokens };
  }
}
