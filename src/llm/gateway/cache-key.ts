import { createHash } from 'node:crypto';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';

/**
 * The exact-cache key: SHA-256 of the canonical request — model, messages, tools with their
 * schemas, sampling parameters, response format, seed — with object keys sorted and volatile
 * fields dropped, so two requests that mean the same call share a key and nothing else does.
 *
 * Dropped: the abort signal, headers and raw-chunk flag (transport, not meaning), Anvil's own
 * `providerOptions.anvil` (who is asking), and `user` / `metadata` in any provider's options
 * (tracking fields OpenAI and Anthropic accept that do not change the answer).
 *
 * The tenant is both the key's prefix and part of the hash: one tenant never reads another's
 * entry, and invalidation by tenant is one pattern. Keys live under `llm:r:` beside the other
 * gateway keys (`llm:budget:`), inside the deployment's cache prefix.
 */
export const responseKeyPrefix = 'llm:r:';
const volatileProviderFields = new Set(['user', 'metadata']);

export function cacheKey(tenant: string, model: string, params: LanguageModelV3CallOptions): string {
  const canonical = canonicalJson({ tenant, model, request: canonicalRequest(params) });
  const digest = createHash('sha256').update(canonical).digest('hex');
  return `${responseKeyPrefix}${keySegment(tenant)}:${keySegment(model)}:${digest}`;
}

export function canonicalRequest(params: LanguageModelV3CallOptions): Record<string, unknown> {
  return {
    prompt: params.prompt,
    tools: params.tools,
    toolChoice: params.toolChoice,
    maxOutputTokens: params.maxOutputTokens,
    temperature: params.temperature,
    topP: params.topP,
    topK: params.topK,
    presencePenalty: params.presencePenalty,
    frequencyPenalty: params.frequencyPenalty,
    stopSequences: params.stopSequences,
    responseFormat: params.responseFormat,
    seed: params.seed,
    providerOptions: stableProviderOptions(params.providerOptions),
  };
}

function stableProviderOptions(options: LanguageModelV3CallOptions['providerOptions']): Record<string, unknown> | undefined {
  if (!options) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [provider, values] of Object.entries(options)) {
    if (provider === 'anvil' || !values) continue;
    const fields = Object.entries(values).filter(([field]) => !volatileProviderFields.has(field));
    if (fields.length > 0) kept[provider] = Object.fromEntries(fields);
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** JSON with object keys sorted at every depth; `undefined` members are left out, as JSON does. */
export function canonicalJson(value: unknown): string {
  // One string built in place: this runs on every cacheable call, and the map/filter/join form
  // allocated several arrays per object.
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (value instanceof URL) return JSON.stringify(value.href);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ',';
      const item: unknown = value[index];
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * A key segment that cannot break out of its place: `:` separates segments and glob characters
 * would let a stored key match someone else's invalidation pattern, so both are percent-encoded
 * (slashes stay, so model names read as they are written).
 */
export function keySegment(text: string): string {
  // Tenants and model names repeat on every call: remember their segments (bounded).
  let segment = segments.get(text);
  if (segment === undefined) {
    segment = encodeSegment(text);
    if (segments.size >= 10_000) segments.clear();
    segments.set(text, segment);
  }
  return segment;
}

const segments = new Map<string, string>();

function encodeSegment(text: string): string {
  return encodeURIComponent(text).replace(/%2F/g, '/').replace(/[*?[\]!'()~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
