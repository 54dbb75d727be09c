/**
 * Bounded label values. Every label value Anvil exports comes from a fixed list or is folded into
 * `other`, because a label value is a time series for as long as Prometheus keeps it: a model name
 * typed by a user, a URL with an id in it, or a run id as a label would grow the series without
 * bound. Never a run, task, session or API key id.
 */

export const otherLabel = 'other';

const httpMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Suffixes providers append to pin a snapshot (`-2024-07-18`, `-20241022`, `-latest`): folded away. */
const datedSuffix = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

export interface LabelPolicy {
  provider(name: string): string;
  /** The model part of `provider/model`, if the full name is known; otherwise `other`. */
  model(name: string): string;
  kind(name: string): string;
  method(name: string): string;
  rule(name: string): string;
}

export interface LabelPolicyOptions {
  /** Provider names that may appear as labels. */
  providers: readonly string[];
  /**
   * Known `provider/model` names (the price table's keys). `provider/*` admits any model of that
   * provider under the label `provider` itself (the simulated models, whose ids are made up).
   */
  models: readonly string[];
  /** Prompt kinds the gateway assigns (src/llm/kinds.ts); labelled with `_` for `-`. */
  kinds: readonly string[];
  /** Inspector rule families (`sql-injection`, …); a rule `family.name` outside them is `other`. */
  ruleFamilies: readonly string[];
}

export function createLabelPolicy({ providers, models, kinds, ruleFamilies }: LabelPolicyOptions): LabelPolicy {
  const knownProviders = new Set(providers);
  const knownModels = new Set(models.filter((name) => !name.endsWith('/*')));
  const wildcardProviders = new Set(models.filter((name) => name.endsWith('/*')).map((name) => name.slice(0, -2)));
  // Kinds are labelled with underscores (`agent_step`) whichever way the caller spells them.
  const underscored = (name: string) => name.replaceAll('-', '_');
  const knownKinds = new Set(kinds.map(underscored));
  const families = new Set(ruleFamilies);
  // Cached per raw name: the same few names repeat on every call; the cache is bounded by refusing
  // to grow past a size a real deployment never reaches.
  const modelLabels = new Map<string, string>();

  const modelLabel = (name: string): string => {
    const slash = name.indexOf('/');
    const provider = slash > 0 ? name.slice(0, slash) : '';
    if (knownModels.has(name)) return name.slice(slash + 1);
    const undated = name.replace(datedSuffix, '');
    if (knownModels.has(undated)) return undated.slice(slash + 1);
    if (wildcardProviders.has(provider)) return provider;
    return otherLabel;
  };

  return {
    provider: (name) => (knownProviders.has(name) ? name : otherLabel),
    model(name) {
      const cached = modelLabels.get(name);
      if (cached !== undefined) return cached;
      const label = modelLabel(name);
      if (modelLabels.size < 1_000) modelLabels.set(name, label);
      return label;
    },
    kind(name) {
      const label = underscored(name);
      return knownKinds.has(label) ? label : otherLabel;
    },
    method: (name) => (httpMethods.has(name) ? name : otherLabel),
    rule(name) {
      const family = name.split('.', 1)[0] ?? '';
      return families.has(family) && /^[a-z0-9_.-]{1,64}$/.test(name) ? name : otherLabel;
    },
  };
}
