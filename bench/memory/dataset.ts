import type { MemoryKind } from '../../src/store/memories.js';

/**
 * A fixed set of memories, as agents working on a web service would save them, and questions
 * other agents ask, each with the one memory that answers it. Written by hand, once; the
 * benchmark never tunes against it. Questions are phrased as agents ask them: some with the
 * memory's own words, some with other forms of them (abbreviations, spellings, compounds), some
 * as paraphrases. The benchmark measures, rather than labels, how many words each question shares
 * with its answer after English stemming, and reports the results by that overlap.
 */
export interface BenchMemory {
  key: string;
  kind: MemoryKind;
  text: string;
}

export interface BenchQuestion {
  question: string;
  expected: string;
}

export const memories: BenchMemory[] = [
  { key: 'pg-pool', kind: 'error_fix', text: 'PostgreSQL connections timed out under load; raising the pool size from 5 to 20 fixed it' },
  { key: 'pg-advisory', kind: 'warning', text: 'Two processes migrating at once deadlock unless the advisory lock is taken before the first statement' },
  { key: 'pg-skip-locked', kind: 'decision', text: 'Workers claim jobs with FOR NO KEY UPDATE SKIP LOCKED so claims never wait on each other' },
  { key: 'pg-vacuum', kind: 'learning', text: 'The events table bloats quickly; autovacuum needs a lower scale factor on it' },
  { key: 'pg-index-board', kind: 'discovery', text: 'The board query sorts in memory unless the composite index ends with the id column' },
  { key: 'pg-json', kind: 'learning', text: 'jsonb columns compare keys in sorted order, so the checksum must be computed on canonical JSON' },
  { key: 'redis-fallback', kind: 'decision', text: 'When Redis is unreachable the cache serves from process memory and marks itself degraded' },
  { key: 'redis-offline-queue', kind: 'error_fix', text: 'ioredis queued commands during the outage and callers hung; disabling the offline queue fixed it' },
  { key: 'redis-ttl', kind: 'warning', text: 'Keys written without an expiry filled the Redis instance; every cache write must set a TTL' },
  { key: 'redis-pubsub', kind: 'discovery', text: 'Pub/sub messages are lost while a subscriber reconnects, so events are replayed from the database' },
  { key: 'queue-lease', kind: 'decision', text: 'A claimed task holds a lease of 30 seconds renewed by heartbeat every 10 seconds' },
  { key: 'queue-backoff', kind: 'decision', text: 'Failed attempts are retried with exponential backoff and full jitter, capped at one minute' },
  { key: 'queue-fencing', kind: 'learning', text: 'Completion is fenced by the attempt number so a worker that lost its lease cannot finish the task twice' },
  { key: 'queue-priority', kind: 'discovery', text: 'Urgent tasks starved behind a large batch until the claim ordered by priority before availability time' },
  { key: 'api-validation', kind: 'decision', text: 'Every route declares a JSON schema and unknown fields are rejected with a 400 naming the field' },
  { key: 'api-rate-limit', kind: 'learning', text: 'The rate limiter counts per API key and per IP address in fixed one-minute windows' },
  { key: 'api-pagination', kind: 'error_fix', text: 'Paging the run list skipped rows that shared a timestamp; the cursor now includes the id' },
  { key: 'api-etag', kind: 'discovery', text: 'Cached GET responses carry an ETag so browsers revalidate with If-None-Match instead of downloading again' },
  { key: 'api-cors', kind: 'warning', text: 'CORS must list exact origins; a wildcard with credentials is refused by browsers' },
  { key: 'auth-keys', kind: 'decision', text: 'API keys are stored as SHA-256 hashes and compared in constant time' },
  { key: 'auth-scopes', kind: 'learning', text: 'A route without a declared scope is denied by default, even for an admin key' },
  { key: 'auth-rotation', kind: 'warning', text: 'Revoking a key takes up to the key cache TTL to reach every node' },
  { key: 'llm-cache-key', kind: 'decision', text: 'The response cache key is a hash of the canonical request, scoped by tenant' },
  { key: 'llm-temperature', kind: 'learning', text: 'Sampled completions with a temperature above zero are not cached unless a caller forces it' },
  { key: 'llm-retry-after', kind: 'error_fix', text: 'The provider sent 429 with a retry-after header; honouring it instead of our own backoff stopped the bans' },
  { key: 'llm-fallback', kind: 'decision', text: 'When the primary model keeps failing the gateway falls back to the next model in the list' },
  { key: 'llm-pricing', kind: 'warning', text: 'Models missing from the price table are recorded with an unknown cost, never as zero dollars' },
  { key: 'llm-tokenizer', kind: 'discovery', text: 'The tokeniser splits identifiers on underscores, so snake_case names cost more tokens than expected' },
  { key: 'llm-streaming', kind: 'learning', text: 'Only the part of a stream before its first content can be retried safely' },
  { key: 'llm-budget', kind: 'decision', text: 'Budgets reserve the estimated cost before a call and settle to the real usage afterwards' },
  { key: 'web-theme', kind: 'discovery', text: 'The dashboard follows the system colour scheme and offers a dark theme' },
  { key: 'web-sse', kind: 'error_fix', text: 'EventSource cannot send the API key header, so the dashboard reads the event stream with fetch' },
  { key: 'web-virtual-list', kind: 'learning', text: 'Rendering ten thousand cards froze the board; windowed lists keep each frame cheap' },
  { key: 'web-bundle', kind: 'warning', text: 'Importing the whole charting library tripled the initial JavaScript; charts are now hand-written SVG' },
  { key: 'web-reconnect', kind: 'decision', text: 'A dropped stream reconnects with the last event id after a jittered, doubling wait' },
  { key: 'ops-healthz', kind: 'decision', text: 'Readiness fails only when the database is unreachable; a Redis outage reports degraded but stays ready' },
  { key: 'ops-metrics-labels', kind: 'warning', text: 'Using run ids as metric labels exploded Prometheus cardinality; unknown model names map to other' },
  { key: 'ops-graceful', kind: 'learning', text: 'On SIGTERM the worker stops claiming and waits for running sessions before exiting' },
  { key: 'ops-docker-user', kind: 'decision', text: 'The container runs as an unprivileged user with a read-only root filesystem' },
  { key: 'ops-log-redaction', kind: 'error_fix', text: 'A provider key appeared in an error log line; the logger now redacts every resolved secret' },
  { key: 'ops-backup', kind: 'learning', text: 'Nightly pg_dump backups are restored weekly into a scratch database to prove they work' },
  { key: 'ops-disk', kind: 'warning', text: 'The embedded database folder grew past 2 GB on the demo host because old runs were never deleted' },
  { key: 'test-template-db', kind: 'decision', text: 'Each test clones a migrated template database, so a test starts in milliseconds' },
  { key: 'test-flaky-timer', kind: 'error_fix', text: 'A test that slept a fixed 100 ms failed on the loaded CI machine; it now waits for the event instead' },
  { key: 'test-fake-upstream', kind: 'learning', text: 'Provider wire formats are tested against a local HTTP server that speaks their APIs' },
  { key: 'test-browser', kind: 'discovery', text: 'The end-to-end tests drive the distribution Chromium through playwright-core without downloading a browser' },
  { key: 'sec-xss', kind: 'warning', text: 'Task titles are rendered as text, never as HTML, because agents copy untrusted input into them' },
  { key: 'sec-prompt-injection', kind: 'learning', text: 'Prompt injection in free text is flagged and counted, not rejected, since prompts legitimately contain such phrases' },
  { key: 'sec-path', kind: 'decision', text: 'Workspace paths are resolved with realpath and refused when they leave the run folder' },
  { key: 'sec-shell', kind: 'decision', text: 'Commands run without a shell from an allow-list, with a timeout and a clean environment' },
  { key: 'billing-currency', kind: 'error_fix', text: 'Invoice totals were off by a cent after summing floats; amounts are now integer cents' },
  { key: 'billing-tax', kind: 'discovery', text: 'VAT depends on the customer country, and reverse charge applies to EU businesses with a VAT number' },
  { key: 'billing-pdf', kind: 'decision', text: 'Invoices are rendered as PDF with the vendor logo and archived for ten years' },
  { key: 'email-bounce', kind: 'warning', text: 'Hard bounces must stop further mail to the address or the sending domain loses reputation' },
  { key: 'email-templates', kind: 'learning', text: 'Email templates are written in MJML and compiled to table-based HTML for old clients' },
  { key: 'i18n-plural', kind: 'error_fix', text: 'Polish plurals need three forms; the translation library was switched to ICU message format' },
  { key: 'i18n-dates', kind: 'decision', text: 'Dates are stored in UTC and shown in the viewer time zone' },
  { key: 'search-stemming', kind: 'learning', text: 'The English text search configuration stems plurals but not abbreviations' },
  { key: 'upload-limit', kind: 'warning', text: 'Uploads above 1 MB are rejected with 413 before the body is read' },
  { key: 'dataloader', kind: 'discovery', text: 'The GraphQL resolvers issued one query per row until a dataloader batched them' },
  { key: 'feature-flags', kind: 'decision', text: 'Feature flags are read once per request from the cache and default to off' },
  { key: 'cron-overlap', kind: 'error_fix', text: 'The hourly cleanup job overlapped with itself on slow hours; it now takes a lock and skips if held' },
  { key: 'webhook-signature', kind: 'decision', text: 'Incoming webhooks are verified with an HMAC signature and a five-minute timestamp window' },
  { key: 'ws-heartbeat', kind: 'learning', text: 'Load balancers close idle websockets after 60 seconds, so the server pings every 25' },
];

export const questions: BenchQuestion[] = [
  { question: 'postgres timeouts under load', expected: 'pg-pool' },
  { question: 'deadlock when migrations run concurrently', expected: 'pg-advisory' },
  { question: 'how do workers claim jobs without waiting', expected: 'pg-skip-locked' },
  { question: 'events table bloat autovacuum', expected: 'pg-vacuum' },
  { question: 'ioredis hangs during an outage', expected: 'redis-offline-queue' },
  { question: 'redis keys without expiry', expected: 'redis-ttl' },
  { question: 'what happens to the cache when redis is down', expected: 'redis-fallback' },
  { question: 'retry backoff jitter', expected: 'queue-backoff' },
  { question: 'lease heartbeat interval', expected: 'queue-lease' },
  { question: 'stale worker finishing a task twice', expected: 'queue-fencing' },
  { question: 'paginating runs skips entries with the same timestamp', expected: 'api-pagination' },
  { question: 'ratelimit per key and IP', expected: 'api-rate-limit' },
  { question: 'unknown JSON fields in requests', expected: 'api-validation' },
  { question: 'cors wildcard origin credentials', expected: 'api-cors' },
  { question: 'how are api keys hashed', expected: 'auth-keys' },
  { question: 'revoked key still accepted on another node', expected: 'auth-rotation' },
  { question: 'provider returned 429 retry-after', expected: 'llm-retry-after' },
  { question: 'snake_case identifiers tokenizer cost', expected: 'llm-tokenizer' },
  { question: 'unpriced models cost', expected: 'llm-pricing' },
  { question: 'are sampled completions cached', expected: 'llm-temperature' },
  { question: 'can a streamed response be retried', expected: 'llm-streaming' },
  { question: 'dark mode in the dashboard', expected: 'web-theme' },
  { question: 'EventSource api key header', expected: 'web-sse' },
  { question: 'board freezes with thousands of cards', expected: 'web-virtual-list' },
  { question: 'metric label cardinality', expected: 'ops-metrics-labels' },
  { question: 'secrets leaking into logs', expected: 'ops-log-redaction' },
  { question: 'flaky test with sleep on CI', expected: 'test-flaky-timer' },
  { question: 'rounding errors in invoice amounts', expected: 'billing-currency' },
  { question: 'n+1 queries in graphql resolvers', expected: 'dataloader' },
  { question: 'cleanup cron job running twice at once', expected: 'cron-overlap' },
  { question: 'verify webhook hmac', expected: 'webhook-signature' },
  { question: 'websocket connections dropped by the load balancer', expected: 'ws-heartbeat' },
  { question: 'is the container running as root', expected: 'ops-docker-user' },
  { question: 'do we test that backups can be restored', expected: 'ops-backup' },
  { question: 'time zones for displaying dates', expected: 'i18n-dates' },
  { question: 'what stops an agent from reading files outside its folder', expected: 'sec-path' },
];
