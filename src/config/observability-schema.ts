import { z } from 'zod';

/**
 * Settings of metrics and tracing (src/observability). Defaults sit beside each setting and are
 * listed in docs/configuration.md; docs/operations.md ("Monitoring") says what they produce.
 */
export const observabilitySchema = z
  .object({
    /** Prometheus metrics: /metrics on the API, a metrics port on `anvil worker`; false turns both off. */
    metrics: z.boolean().default(true),
    /** Port of `anvil worker`'s own /metrics (and /healthz); 0 serves none. */
    metricsPort: z.number().int().min(0).max(65535).default(9464),
    /** Address `anvil worker` binds its metrics port to; loopback unless a scraper on another host needs it. */
    metricsHost: z.string().min(1).default('127.0.0.1'),
    /** OTLP/HTTP base URL (spans go to `<url>/v1/traces`); unset means no tracing, at no cost. */
    otlpEndpoint: z.string().url().optional(),
    /** `service.name` of exported spans. */
    serviceName: z.string().min(1).default('anvil'),
  })
  .strict()
  .prefault({});

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
