import type { LanguageModelV3 } from '@ai-sdk/provider';
import { MemoryCacheStore, type CacheStore } from '../../src/cache/index.js';
import { testConfig, type ConfigInput } from '../../src/config/index.js';
import { createGateway, createModelResolver, type Gateway } from '../../src/llm/index.js';
import type { Database } from '../../src/store/database.js';
import { openMigratedPglite } from './databases.js';

/**
 * A gateway over a fresh PGlite and a memory cache (or the given ones), resolving models from
 * the config (point `llm.openaiBaseUrl` / `anthropicBaseUrl` at a fake upstream). `providerCalls`
 * counts calls that reached a model behind the gateway.
 */
export interface TestGateway {
  gateway: Gateway;
  db: Database;
  cache: CacheStore;
  providerCalls: () => number;
  /** Flushes the ledger and returns its rows, oldest first. */
  ledger: () => Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function createTestGateway(overrides: ConfigInput = {}, { db, cache, now }: { db?: Database; cache?: CacheStore; now?: () => number } = {}): Promise<TestGateway> {
  const config = testConfig(overrides);
  const database = db ?? (await openMigratedPglite());
  const store = cache ?? new MemoryCacheStore({ maxBytes: 16 * 1024 * 1024 });
  const resolver = createModelResolver(config.llm);
  let calls = 0;
  const counted = new Map<string, LanguageModelV3>();
  const models = {
    defaultModelName: () => resolver.defaultModelName(),
    resolve(name: string) {
      const resolved = resolver.resolve(name);
      let model = counted.get(name);
      if (!model) {
        const inner = resolved.model;
        model = {
          ...inner,
          specificationVersion: 'v3',
          provider: inner.provider,
          modelId: inner.modelId,
          supportedUrls: inner.supportedUrls,
          doGenerate: (options) => {
            calls += 1;
            return inner.doGenerate(options);
          },
          doStream: (options) => {
            calls += 1;
            return inner.doStream(options);
          },
        };
        counted.set(name, model);
      }
      return { ...resolved, model };
    },
  };
  const gateway = createGateway({ config: config.gateway, db: database, cache: store, models, now });
  return {
    gateway,
    db: database,
    cache: store,
    providerCalls: () => calls,
    ledger: async () => {
      await gateway.ledger.flush();
      return (await database.query<Record<string, unknown>>('SELECT * FROM llm_calls ORDER BY id')).rows;
    },
    close: async () => {
      await gateway.close();
      if (!cache) await store.close();
      if (!db) await database.close();
    },
  };
}
