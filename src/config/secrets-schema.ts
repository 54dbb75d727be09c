import { z } from 'zod';

/**
 * Settings of the secrets manager (src/security/secrets): which backends are asked, in which
 * order, and how to reach each. The credentials of a backend itself (a Vault token, AppRole
 * secret id) are bootstrap values: they come from the environment or a file, never from the
 * manager they unlock. Cloud backends (AWS, GCP, Azure) take their credentials from their SDK's
 * default chain (environment, workload identity, instance metadata).
 */
export const secretsBackendNames = ['env', 'file', 'vault', 'aws', 'gcp', 'azure'] as const;
export type SecretsBackendName = (typeof secretsBackendNames)[number];

/** A list setting may come from the environment as a comma-separated string. */
function listOf<T extends z.ZodTypeAny>(item: T) {
  return z.preprocess(
    (value) => (typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter((part) => part !== '') : value),
    z.array(item),
  );
}

const envSchema = z
  .object({
    /** Prepended to a secret's name to find its variable: with `APP_`, `DB_PASSWORD` is read from `APP_DB_PASSWORD`. */
    prefix: z.string().default(''),
  })
  .strict();

const fileSchema = z
  .object({
    /** dotenv files, read in order; a later file wins over an earlier one. */
    dotenvFiles: listOf(z.string().min(1)).default([]),
    /** A folder of one file per secret, named after it (Docker and Kubernetes mount them at /run/secrets). */
    directory: z.string().min(1).optional(),
  })
  .strict();

const vaultSchema = z
  .object({
    /** Vault's address, e.g. `https://vault.internal:8200`. */
    address: z.string().url().optional(),
    /** The KV version 2 engine's mount. */
    mount: z.string().min(1).default('secret'),
    /** Secret NAME is read from `<mount>/data/<pathPrefix>NAME`. */
    pathPrefix: z.string().default('anvil/'),
    /** The field of the KV entry that holds the value. */
    field: z.string().min(1).default('value'),
    /** Vault Enterprise namespace, sent as `X-Vault-Namespace`. */
    namespace: z.string().min(1).optional(),
    /** Token authentication (bootstrap: VAULT_TOKEN). */
    token: z.string().min(1).optional(),
    /** Or a file holding the token (a Vault Agent sink). */
    tokenFile: z.string().min(1).optional(),
    /** AppRole authentication: role id (VAULT_ROLE_ID) and secret id (VAULT_SECRET_ID or a file). */
    roleId: z.string().min(1).optional(),
    secretId: z.string().min(1).optional(),
    secretIdFile: z.string().min(1).optional(),
    /** The AppRole auth method's mount. */
    approleMount: z.string().min(1).default('approle'),
    timeoutMs: z.number().int().positive().default(5_000),
  })
  .strict();

const awsSchema = z
  .object({
    region: z.string().min(1).optional(),
    /** Another endpoint than AWS's own (a VPC endpoint, LocalStack). */
    endpoint: z.string().url().optional(),
    /** Secret NAME is read as secret id `<prefix>NAME`. */
    prefix: z.string().default(''),
  })
  .strict();

const gcpSchema = z
  .object({
    project: z.string().min(1).optional(),
    /** Another endpoint than Google's (`http://host:port` for an emulator); uses the REST transport. */
    endpoint: z.string().url().optional(),
    prefix: z.string().default(''),
  })
  .strict();

const azureSchema = z
  .object({
    /** The vault, e.g. `https://my-vault.vault.azure.net`. */
    vaultUrl: z.string().url().optional(),
    /** PEM file of extra certificate authorities to trust (a private endpoint behind an inspecting proxy). */
    caFile: z.string().min(1).optional(),
    prefix: z.string().default(''),
  })
  .strict();

export const secretsSchema = z
  .object({
    /** Backends asked in this order; the first that has a name wins (ANVIL_SECRETS_BACKENDS=env,file,vault). */
    backends: listOf(z.enum(secretsBackendNames)).default(['env']),
    /** How long a resolved value is served before it is fetched again. */
    cacheTtlSeconds: z.number().int().min(0).default(300),
    /** Names `anvil secrets check` reports beside those the configuration refers to. */
    names: listOf(z.string().min(1)).default([]),
    env: envSchema.prefault({}),
    file: fileSchema.prefault({}),
    vault: vaultSchema.prefault({}),
    aws: awsSchema.prefault({}),
    gcp: gcpSchema.prefault({}),
    azure: azureSchema.prefault({}),
  })
  .strict()
  .prefault({});

export type SecretsConfig = z.infer<typeof secretsSchema>;
