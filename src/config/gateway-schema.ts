import { z } from 'zod';

/**
 * Settings of the LLM gateway (src/llm/gateway): cache TTL per prompt kind, retries, pacing,
 * circuit breaker, ledger batching, budgets, fallbacks and price overrides. Defaults sit beside
 * each setting and are listed in docs/configuration.md.
 */
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

/** Seconds a cached answer lives, per prompt kind (src/llm/kinds.ts); 0 turns caching off for the kind. */
export const defaultKindTtlSeconds = {
  classification: 86_400,
  extraction: 86_400,
  summarisation: 21_600,
  planning: 3_600,
  code: 3_600,
  chat: 900,
  'agent-step': 600,
  // A verdict on the same work under the same done definition stands; the round is in the prompt.
  review: 3_600,
  guardian: 600,
} as const;

const ttl = nonNegativeInt;

const pacingSchema = z
  .object({
    /** Provider calls in flight at once, per provider. */
    concurrency: positiveInt.default(256),
    /** Requests per minute per provider; 0 means unpaced. */
    requestsPerMinute: nonNegativeInt.default(0),
    /** Estimated tokens per minute per provider; 0 means unpaced. */
    tokensPerMinute: nonNegativeInt.default(0),
  })
  .strict();

const priceSchema = z
  .object({ input: z.number().min(0).optional(), output: z.number().min(0).optional(), cacheRead: z.number().min(0).optional(), cacheWrite: z.number().min(0).optional() })
  .strict();

export const gatewaySchema = z
  .object({
    cache: z
      .object({
        /** Master switch for the exact response cache. */
        enabled: z.boolean().default(true),
        ttlSeconds: z
          .object({
            classification: ttl.default(defaultKindTtlSeconds.classification),
            extraction: ttl.default(defaultKindTtlSeconds.extraction),
            summarisation: ttl.default(defaultKindTtlSeconds.summarisation),
            planning: ttl.default(defaultKindTtlSeconds.planning),
            code: ttl.default(defaultKindTtlSeconds.code),
            chat: ttl.default(defaultKindTtlSeconds.chat),
            'agent-step': ttl.default(defaultKindTtlSeconds['agent-step']),
            review: ttl.default(defaultKindTtlSeconds.review),
            guardian: ttl.default(defaultKindTtlSeconds.guardian),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    retry: z
      .object({
        /** Retries after the first attempt on 429, 5xx, timeouts and connection resets. */
        maxRetries: nonNegativeInt.default(3),
        /** First backoff; doubles per retry with full jitter, capped by maxMs. */
        baseMs: positiveInt.default(250),
        maxMs: positiveInt.default(8_000),
        /** A retry-after longer than this is not waited for: the call fails over instead. */
        maxRetryAfterMs: positiveInt.default(30_000),
        /** Bound on one provider attempt (until the answer, or until a stream starts). */
        timeoutMs: positiveInt.default(120_000),
      })
      .strict()
      .prefault({}),
    pacing: pacingSchema.prefault({}),
    /** Pacing per provider name (`openai`, `anthropic`, …), replacing the defaults above for it. */
    pacingByProvider: z.record(z.string(), pacingSchema).default({}),
    breaker: z
      .object({
        /** Consecutive failed calls (after retries) that open the breaker of a provider/model. */
        failureThreshold: positiveInt.default(5),
        /** How long an open breaker refuses before letting one probe through. */
        cooldownMs: positiveInt.default(30_000),
      })
      .strict()
      .prefault({}),
    ledger: z
      .object({
        /** Longest a ledger row waits in memory before it is written (the loss window on kill -9). */
        flushIntervalMs: positiveInt.default(1_000),
        /** Rows per INSERT; a full batch is written at once. */
        batchSize: positiveInt.default(500),
      })
      .strict()
      .prefault({}),
    budget: z
      .object({
        /** Share of a budget at which a warning event is sent. */
        warnAt: z.number().gt(0).lt(1).default(0.8),
        /** Output tokens reserved for a call that sets no max tokens. */
        defaultOutputTokens: positiveInt.default(1_024),
        /** Daily dollar cap per tenant (API key); unset means none. */
        tenantDailyUsd: z.number().positive().optional(),
        /** Daily token cap per tenant (API key); unset means none. */
        tenantDailyTokens: positiveInt.optional(),
        /** How long a reservation of a killed process holds budget before it lapses. */
        reservationSeconds: positiveInt.default(300),
      })
      .strict()
      .prefault({}),
    /** Ordered fallback models per model name: tried in turn when the provider fails. */
    fallbacks: z.record(z.string(), z.array(z.string().min(1))).default({}),
    /** Price overrides in USD per million tokens, merged over the bundled table. */
    prices: z.record(z.string(), priceSchema).default({}),
  })
  .strict()
  .prefault({});

export type GatewayConfig = z.infer<typeof gatewaySchema>;
