import { z } from 'zod';

/**
 * Settings of the HTTP security layer (src/api/security): API keys, rate limits, CORS, timeouts,
 * the input inspector and the size limits checked before it. Defaults sit beside each setting and
 * are listed in docs/configuration.md; docs/security.md explains each layer.
 */
const positiveInt = z.number().int().positive();

/** `anvil_<12 hex>_<43 base64url>`: the format src/security/keys/format.ts issues. */
const apiKeyText = z.string().regex(/^anvil_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/, 'expected an Anvil API key (anvil_<prefix>_<secret>)');

const rateLimitSchema = z
  .object({
    /** Off only for benchmarks and tests; production keeps it on. */
    enabled: z.boolean().default(true),
    /** Requests per minute for a key without its own limit (and for the local admin without keys). */
    perKeyPerMinute: positiveInt.default(1_200),
    /** Requests per minute per client IP for requests without a valid key (401s count too). */
    perIpPerMinute: positiveInt.default(300),
  })
  .strict();

const inspectSchema = z
  .object({
    /** `block` answers 400 INPUT_REJECTED on a finding; `detect` only logs and counts it. */
    mode: z.enum(['block', 'detect']).default('block'),
    /** 1 (fewest rules) to 3 (strictest); see src/security/inspect/types.ts. */
    paranoia: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2),
  })
  .strict();

const limitsSchema = z
  .object({
    /** Deepest nesting of objects and arrays in a JSON body (400 INPUT_TOO_DEEP). */
    maxDepth: positiveInt.default(32),
    /** Most elements in one JSON array (400 INPUT_ARRAY_TOO_LONG). */
    maxArrayLength: positiveInt.default(10_000),
    /** Longest string value or key, in characters (400 INPUT_STRING_TOO_LONG). */
    maxStringLength: positiveInt.default(200_000),
    /** Most keys in one JSON object (400 INPUT_TOO_MANY_KEYS). */
    maxKeys: positiveInt.default(1_000),
    /** Total bytes of request headers: Node refuses larger ones with 431 before Fastify sees them. */
    maxHeaderBytes: positiveInt.default(16_384),
    /** Most query-string parameters (400 QUERY_TOO_MANY_PARAMETERS). */
    maxQueryParameters: positiveInt.default(100),
    /** Longest path parameter (`:id`); a longer one matches no route (404). */
    maxParamLength: positiveInt.default(200),
  })
  .strict();

export const securitySchema = z
  .object({
    /**
     * A bootstrap admin key for the first start, before any key is in the database. Counts as
     * "keys exist", so the server may bind a public address. Create real keys, then remove it.
     */
    adminKey: apiKeyText.optional(),
    /** The key the CLI presents when it calls a running server (`anvil cache invalidate`). */
    clientKey: apiKeyText.optional(),
    /** How long a verified key is trusted from memory: another process's revocation takes effect within it. */
    keyCacheTtlMs: positiveInt.default(30_000),
    /** Browser origins allowed to call the API (exact `scheme://host[:port]`); none by default, never `*`. */
    corsOrigins: z.array(z.string().url().refine((origin) => origin !== '*', 'a wildcard origin is not allowed')).default([]),
    /** Longest time to receive a whole request (headers and body); 408 after it. */
    requestTimeoutMs: positiveInt.default(30_000),
    /** Idle socket timeout; SSE streams stay alive with keep-alive comments every 15 s. */
    connectionTimeoutMs: positiveInt.default(120_000),
    // prefault parses `{}`, so the defaults above are declared once.
    rateLimit: rateLimitSchema.prefault({}),
    inspect: inspectSchema.prefault({}),
    limits: limitsSchema.prefault({}),
  })
  .strict()
  .prefault({});

export type SecurityConfig = z.infer<typeof securitySchema>;
