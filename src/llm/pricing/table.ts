import { AnvilError } from '../../errors.js';

/**
 * The bundled price table, in USD per million tokens. Versioned so a ledger row can say which
 * prices it was costed with; update the version whenever a price changes. Cache writes are priced
 * at the input price for providers that do not charge extra for them (OpenAI), and at the
 * provider's 5-minute cache-write price where they do (Anthropic: 1.25 × input).
 */

export interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export const priceTableVersion = '2026-11-26';

const price = (input: number, output: number, cacheRead: number, cacheWrite: number): Price => ({ input, output, cacheRead, cacheWrite });

export const bundledPrices: Readonly<Record<string, Readonly<Price>>> = Object.freeze({
  'openai/gpt-4o': price(2.5, 10, 1.25, 2.5),
  'openai/gpt-4o-mini': price(0.15, 0.6, 0.075, 0.15),
  'openai/gpt-4.1': price(2, 8, 0.5, 2),
  'openai/gpt-4.1-mini': price(0.4, 1.6, 0.1, 0.4),
  'openai/gpt-4.1-nano': price(0.1, 0.4, 0.025, 0.1),
  'openai/o3': price(2, 8, 0.5, 2),
  'openai/o3-mini': price(1.1, 4.4, 0.55, 1.1),
  'openai/o4-mini': price(1.1, 4.4, 0.275, 1.1),
  'anthropic/claude-3-haiku': price(0.25, 1.25, 0.03, 0.3),
  'anthropic/claude-3-5-haiku': price(0.8, 4, 0.08, 1),
  'anthropic/claude-3-5-sonnet': price(3, 15, 0.3, 3.75),
  'anthropic/claude-3-7-sonnet': price(3, 15, 0.3, 3.75),
  'anthropic/claude-sonnet-4': price(3, 15, 0.3, 3.75),
  'anthropic/claude-sonnet-4-5': price(3, 15, 0.3, 3.75),
  'anthropic/claude-haiku-4-5': price(1, 5, 0.1, 1.25),
  'anthropic/claude-opus-4': price(15, 75, 1.5, 18.75),
  'anthropic/claude-opus-4-1': price(15, 75, 1.5, 18.75),
  // Embedding models charge for input only.
  'openai/text-embedding-3-small': price(0.02, 0, 0.02, 0.02),
  'openai/text-embedding-3-large': price(0.13, 0, 0.13, 0.13),
  'openai/text-embedding-ada-002': price(0.1, 0, 0.1, 0.1),
  // Simulated models are priced like a small model so dollar budgets and caps are exercised
  // offline; the ledger labels them simulated. `simulated/*` covers any simulated model id.
  'simulated/*': price(0.15, 0.6, 0.075, 0.15),
});

/**
 * Suffixes providers append to pin a snapshot or alias the newest one: `-2024-07-18` (OpenAI),
 * `-20241022` (Anthropic), `-latest`. Stripping exactly these, rather than matching any prefix,
 * keeps `gpt-4o-mini` from being priced as `gpt-4o`.
 */
const datedSuffix = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * Prices `provider/model` names. Lookup order: the exact name; the name without a dated or
 * `-latest` suffix; the provider's wildcard (`simulated/*`). Anything else is unknown and costs
 * `null`, never a silent $0: the ledger records it and counts it.
 */

export interface TokenUsage {
  /** All input tokens, including cache reads and writes (as AI SDK v6 reports `inputTokens.total`). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export interface PriceMatch extends Price {
  /** The table key that matched, e.g. `openai/gpt-4o-mini` for `openai/gpt-4o-mini-2024-07-18`. */
  matched: string;
}

export interface PriceTable {
  readonly version: string;
  priceFor(name: string): PriceMatch | null;
  costOf(name: string, usage: TokenUsage): number | null;
}

/**
 * A price table with overrides (from config) merged over the bundled prices. An override of a
 * known model may change any field; a new model must give input and output, and its cache prices
 * default to the input price.
 */
export function createPriceTable(overrides: Record<string, Partial<Price>> = {}): PriceTable {
  const prices = new Map<string, Price>(Object.entries(bundledPrices));
  for (const [name, override] of Object.entries(overrides)) {
    const base = prices.get(name);
    if (!base && (override.input === undefined || override.output === undefined)) {
      throw new AnvilError('CONFIG_INVALID', `price override for unknown model ${name} needs both input and output prices`, { model: name });
    }
    const input = override.input ?? base!.input;
    const merged: Price = {
      input,
      output: override.output ?? base!.output,
      cacheRead: override.cacheRead ?? base?.cacheRead ?? input,
      cacheWrite: override.cacheWrite ?? base?.cacheWrite ?? input,
    };
    for (const [field, value] of Object.entries(merged)) {
      if (!Number.isFinite(value) || value < 0) {
        throw new AnvilError('CONFIG_INVALID', `price override for ${name}: ${field} must be a non-negative number`, { model: name, field });
      }
    }
    prices.set(name, merged);
  }

  const priceFor = (name: string): PriceMatch | null => {
    const slash = name.indexOf('/');
    const candidates = [name, name.replace(datedSuffix, ''), slash > 0 ? `${name.slice(0, slash)}/*` : undefined];
    for (const candidate of candidates) {
      const found = candidate === undefined ? undefined : prices.get(candidate);
      if (found) return { ...found, matched: candidate! };
    }
    return null;
  };

  const costOf = (name: string, usage: TokenUsage): number | null => {
    const found = priceFor(name);
    if (!found) return null;
    const cacheRead = usage.cacheReadTokens ?? 0;
    const cacheWrite = usage.cacheWriteTokens ?? 0;
    const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
    const micro = uncached * found.input + cacheRead * found.cacheRead + cacheWrite * found.cacheWrite + usage.outputTokens * found.output;
    // Rounded to a billionth of a dollar so sums in the ledger do not drift with float noise.
    return Math.round(micro * 1_000) / 1_000_000_000;
  };

  return { version: priceTableVersion, priceFor, costOf };
}

const bundledTable = createPriceTable();

/** The bundled price of a model, or null when it is unknown. */
export function priceFor(name: string): PriceMatch | null {
  return bundledTable.priceFor(name);
}

/** The bundled cost in USD of one call's usage, or null when the model is unknown. */
export function costOf(name: string, usage: TokenUsage): number | null {
  return bundledTable.costOf(name, usage);
}
