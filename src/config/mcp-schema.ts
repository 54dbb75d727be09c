import { z } from 'zod';

/**
 * Settings of /mcp, where outside agents join a run (src/mcp). Defaults sit beside each setting
 * and are listed in docs/configuration.md; docs/mcp.md says how they are used.
 */
export const mcpSchema = z
  .object({
    /** Serve /mcp; false leaves it a 404. */
    enabled: z.boolean().default(true),
    /**
     * How long an outside agent's claim holds without a tool call. Longer than a built-in
     * worker's lease: an outside agent thinks (and runs its own tools) between calls.
     */
    leaseSeconds: z.number().int().positive().default(300),
    /** Lifetime of an invitation token when the invitation names none. */
    tokenTtlSeconds: z.number().int().positive().default(86_400),
  })
  .strict()
  .prefault({});

export type McpConfig = z.infer<typeof mcpSchema>;
