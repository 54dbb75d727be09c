import type { Redis } from 'ioredis';

/**
 * Budget accounts with reserve-then-settle. An account holds what was settled (dollars in
 * micro-dollars, tokens) and the reservations of calls in flight; a reservation is admitted only if
 * settled + reserved + its estimate stays within every limit it touches, checked and taken in one
 * step. So concurrent calls can overshoot a cap only by what the calls in flight spend beyond their
 * estimates — at most one call's worth when estimates hold.
 *
 * In memory for one process; in Redis (one Lua script per reserve and per settle, atomic across
 * processes) when the cache has Redis. A reservation of a process killed mid-call lapses after
 * `reservationSeconds`. A missing account is seeded from the ledger by the caller (`seed`), once.
 */
export interface AccountLimits {
  key: string;
  limitMicroUsd?: number;
  limitTokens?: number;
  /** Expiry of the account's keys, renewed on use. */
  ttlSeconds: number;
}

export interface Amount {
  microUsd: number;
  tokens: number;
}

export type ReserveOutcome =
  | { status: 'admitted' }
  | { status: 'refused'; account: string; settled: Amount; reserved: Amount }
  | { status: 'unseeded'; account: string };

export interface BudgetStore {
  reserve(accounts: readonly AccountLimits[], id: string, amount: Amount, expiresAt: number): Promise<ReserveOutcome>;
  settle(accounts: readonly AccountLimits[], id: string, reserved: Amount, actual: Amount): Promise<Amount[]>;
  /** Sets an account's settled totals unless it exists already. */
  seed(account: AccountLimits, settled: Amount): Promise<void>;
}

interface MemoryAccount {
  settled: Amount;
  reservations: Map<string, Amount & { expiresAt: number }>;
}

export class MemoryBudgetStore implements BudgetStore {
  private readonly accounts = new Map<string, MemoryAccount>();
  constructor(private readonly now: () => number = Date.now) {}

  async reserve(accounts: readonly AccountLimits[], id: string, amount: Amount, expiresAt: number): Promise<ReserveOutcome> {
    const found: MemoryAccount[] = [];
    for (const limits of accounts) {
      const account = this.accounts.get(limits.key);
      if (!account) return { status: 'unseeded', account: limits.key };
      const reserved = this.reserved(account);
      const overUsd = limits.limitMicroUsd !== undefined && account.settled.microUsd + reserved.microUsd + amount.microUsd > limits.limitMicroUsd;
      const overTokens = limits.limitTokens !== undefined && account.settled.tokens + reserved.tokens + amount.tokens > limits.limitTokens;
      if (overUsd || overTokens) return { status: 'refused', account: limits.key, settled: { ...account.settled }, reserved };
      found.push(account);
    }
    for (const account of found) account.reservations.set(id, { ...amount, expiresAt });
    return { status: 'admitted' };
  }

  async settle(accounts: readonly AccountLimits[], id: string, _reserved: Amount, actual: Amount): Promise<Amount[]> {
    return accounts.map((limits) => {
      const account = this.accounts.get(limits.key);
      if (!account) return { microUsd: 0, tokens: 0 };
      account.reservations.delete(id);
      account.settled.microUsd += actual.microUsd;
      account.settled.tokens += actual.tokens;
      return { ...account.settled };
    });
  }

  async seed(account: AccountLimits, settled: Amount): Promise<void> {
    if (!this.accounts.has(account.key)) this.accounts.set(account.key, { settled: { ...settled }, reservations: new Map() });
  }

  private reserved(account: MemoryAccount): Amount {
    const now = this.now();
    const total = { microUsd: 0, tokens: 0 };
    for (const [id, reservation] of account.reservations) {
      if (reservation.expiresAt <= now) account.reservations.delete(id);
      else {
        total.microUsd += reservation.microUsd;
        total.tokens += reservation.tokens;
      }
    }
    return total;
  }
}

// KEYS: per account, its hash (settled usd/tokens) then its reservation set (score = expiry).
// ARGV: now, expiresAt, member, microUsd, tokens, then per account limitUsd, limitTokens, ttl (-1 = none).
const reserveScript = `
local n = #KEYS / 2
local usd, tokens = tonumber(ARGV[4]), tonumber(ARGV[5])
for i = 1, n do
  local hash, set = KEYS[2 * i - 1], KEYS[2 * i]
  if redis.call('EXISTS', hash) == 0 then return {2, i} end
  redis.call('ZREMRANGEBYSCORE', set, '-inf', ARGV[1])
  local ru, rt = 0, 0
  for _, member in ipairs(redis.call('ZRANGE', set, 0, -1)) do
    local u, t = string.match(member, '|(%d+)|(%d+)$')
    ru = ru + tonumber(u)
    rt = rt + tonumber(t)
  end
  local su = tonumber(redis.call('HGET', hash, 'usd') or '0')
  local st = tonumber(redis.call('HGET', hash, 'tokens') or '0')
  local lu, lt = tonumber(ARGV[3 + 3 * i]), tonumber(ARGV[4 + 3 * i])
  if (lu >= 0 and su + ru + usd > lu) or (lt >= 0 and st + rt + tokens > lt) then
    return {0, i, tostring(su), tostring(st), tostring(ru), tostring(rt)}
  end
end
for i = 1, n do
  local ttl = tonumber(ARGV[5 + 3 * i])
  redis.call('ZADD', KEYS[2 * i], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2 * i - 1], ttl)
  redis.call('EXPIRE', KEYS[2 * i], ttl)
end
return {1}`;

// ARGV: member, microUsd, tokens. Returns the settled totals of each account after settling.
const settleScript = `
local out = {}
for i = 1, #KEYS / 2 do
  redis.call('ZREM', KEYS[2 * i], ARGV[1])
  local u = redis.call('HINCRBY', KEYS[2 * i - 1], 'usd', ARGV[2])
  local t = redis.call('HINCRBY', KEYS[2 * i - 1], 'tokens', ARGV[3])
  out[#out + 1] = u
  out[#out + 1] = t
end
return out`;

interface BudgetRedis extends Redis {
  anvilBudgetReserve(...args: (string | number)[]): Promise<unknown[]>;
  anvilBudgetSettle(...args: (string | number)[]): Promise<number[]>;
}

export class RedisBudgetStore implements BudgetStore {
  private readonly redis: BudgetRedis;
  constructor(
    redis: Redis,
    private readonly keyPrefix: string,
  ) {
    if (!('anvilBudgetReserve' in redis)) {
      redis.defineCommand('anvilBudgetReserve', { lua: reserveScript });
      redis.defineCommand('anvilBudgetSettle', { lua: settleScript });
    }
    this.redis = redis as BudgetRedis;
  }

  private keys(accounts: readonly AccountLimits[]): string[] {
    return accounts.flatMap((account) => [`${this.keyPrefix}${account.key}`, `${this.keyPrefix}${account.key}:reserved`]);
  }

  async reserve(accounts: readonly AccountLimits[], id: string, amount: Amount, expiresAt: number): Promise<ReserveOutcome> {
    const keys = this.keys(accounts);
    const limits = accounts.flatMap((account) => [account.limitMicroUsd ?? -1, account.limitTokens ?? -1, account.ttlSeconds]);
    const member = `${id}|${amount.microUsd}|${amount.tokens}`;
    const reply = await this.redis.anvilBudgetReserve(keys.length, ...keys, Date.now(), expiresAt, member, amount.microUsd, amount.tokens, ...limits);
    const status = Number(reply[0]);
    if (status === 1) return { status: 'admitted' };
    const account = accounts[Number(reply[1]) - 1]!.key;
    if (status === 2) return { status: 'unseeded', account };
    const [settledUsd, settledTokens, reservedUsd, reservedTokens] = reply.slice(2).map(Number) as [number, number, number, number];
    return { status: 'refused', account, settled: { microUsd: settledUsd, tokens: settledTokens }, reserved: { microUsd: reservedUsd, tokens: reservedTokens } };
  }

  async settle(accounts: readonly AccountLimits[], id: string, reserved: Amount, actual: Amount): Promise<Amount[]> {
    const keys = this.keys(accounts);
    const reply = await this.redis.anvilBudgetSettle(keys.length, ...keys, `${id}|${reserved.microUsd}|${reserved.tokens}`, actual.microUsd, actual.tokens);
    return accounts.map((_, index) => ({ microUsd: Number(reply[2 * index]), tokens: Number(reply[2 * index + 1]) }));
  }

  async seed(account: AccountLimits, settled: Amount): Promise<void> {
    const key = `${this.keyPrefix}${account.key}`;
    await this.redis.hsetnx(key, 'usd', settled.microUsd);
    await this.redis.hsetnx(key, 'tokens', settled.tokens);
    await this.redis.expire(key, account.ttlSeconds);
  }
}
