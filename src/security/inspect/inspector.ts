/**
 * The inspector: runs the detectors a field's kind calls for, applies the paranoia level, the
 * mode and the allow-list, and walks JSON bodies with field paths. It never throws on input and
 * never keeps the values it sees; verdicts carry rule ids and field paths only.
 */
import { ValueViews } from './normalise.js';
import { checkKindShape, kindPolicies } from './field-kinds.js';
import { defaultLimits, findLimitBreach, type InputLimits, type LimitBreach } from './limits.js';
import { walkFields, type FieldKindMap } from './field-walk.js';
import { fieldKinds, type Detector, type DetectorContext, type DetectorName, type FieldKind, type Paranoia } from './types.js';
import { detectSqlInjection } from './sql-injection.js';
import { detectXss } from './xss.js';
import { detectPathTraversal } from './path-traversal.js';
import { detectCommandInjection } from './command-injection.js';
import { detectNosqlInjection } from './nosql-injection.js';
import { detectPrototypePollution } from './prototype-pollution.js';
import { detectPromptInjection } from './prompt-injection.js';

const detectors: Readonly<Record<DetectorName, Detector>> = {
  'sql-injection': detectSqlInjection,
  xss: detectXss,
  'path-traversal': detectPathTraversal,
  'command-injection': detectCommandInjection,
  'nosql-injection': detectNosqlInjection,
  'prototype-pollution': detectPrototypePollution,
  'prompt-injection': detectPromptInjection,
};

/**
 * Rules a route may let through for a field: `{ 'POST /api/v1/runs': { goal: ['sql.*'] } }`.
 * Keys are route ids or `*`; field keys are field paths (as in FieldKindMap) or `*`; entries are
 * rule ids, family prefixes ending in `.*`, or `*`.
 */
export type AllowList = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface InspectorOptions {
  /** 1 (fewest rules) to 3 (strictest); default 2. */
  readonly paranoia?: Paranoia;
  /** `block` rejects on a finding; `detect` only reports (for rolling out a new rule). Default `block`. */
  readonly mode?: 'block' | 'detect';
  readonly allow?: AllowList;
  readonly limits?: Partial<InputLimits>;
}

export interface Verdict {
  /** True when the value must be rejected: a blocking rule fired, in block mode, not allowed. */
  readonly blocked: boolean;
  /** Blocking rules that fired (also in detect mode, where they do not block). */
  readonly rules: readonly string[];
  /** Flag-only findings (prompt injection): recorded, never rejected. */
  readonly flags: readonly string[];
}

export interface Finding {
  readonly field: string;
  readonly rule: string;
}

export interface ObjectVerdict {
  readonly blocked: boolean;
  readonly findings: readonly Finding[];
  readonly flags: readonly Finding[];
  /** Set when a size limit was crossed; nothing was inspected then. */
  readonly limit?: LimitBreach;
}

export interface InspectContext {
  /** Route id for the allow-list, e.g. `POST /api/v1/runs`. */
  readonly route?: string;
  /** Field path for the allow-list and for findings. */
  readonly field?: string;
}

export interface Inspector {
  readonly paranoia: Paranoia;
  readonly mode: 'block' | 'detect';
  readonly limits: InputLimits;
  inspectValue(value: string, kind: FieldKind, context?: InspectContext): Verdict;
  inspectObject(body: unknown, fieldKinds: FieldKindMap, context?: InspectContext & { defaultKind?: FieldKind }): ObjectVerdict;
  /** Rejections (or, in detect mode, would-be rejections) counted by rule since creation. */
  rejectionCounts(): Readonly<Record<string, number>>;
}

interface KindPlan {
  readonly context: DetectorContext;
  readonly blocking: readonly Detector[];
  readonly flagging: readonly Detector[];
}

const indexSegment = /\[\d+\]/g;

function ruleAllowed(rule: string, entries: readonly string[] | undefined): boolean {
  if (!entries) return false;
  return entries.some((entry) => entry === '*' || entry === rule || (entry.endsWith('.*') && rule.startsWith(entry.slice(0, -1))));
}

export function createInspector({ paranoia = 2, mode = 'block', allow = {}, limits = {} }: InspectorOptions = {}): Inspector {
  const effectiveLimits: InputLimits = { ...defaultLimits, ...limits };
  const counts = new Map<string, number>();

  function allowed(rule: string, route: string | undefined, field: string): boolean {
    const generalField = field.includes('[') ? field.replace(indexSegment, '[]') : field;
    for (const routeKey of [route, '*']) {
      const perRoute = routeKey === undefined ? undefined : allow[routeKey];
      if (!perRoute) continue;
      if (ruleAllowed(rule, perRoute[field]) || ruleAllowed(rule, perRoute[generalField]) || ruleAllowed(rule, perRoute['*'])) return true;
    }
    return false;
  }

  function count(rule: string): void {
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }

  // Per kind, made once: the context detectors read and the detector functions the policy names.
  const plans = new Map<string, KindPlan>(fieldKinds.map((kind) => [kind, {
    context: { kind, paranoia },
    blocking: kindPolicies[kind].blocking.map((name) => detectors[name]),
    flagging: kindPolicies[kind].flagging.map((name) => detectors[name]),
  }]));

  /**
   * Inspects one string, appending blocking rules to `rules` and flags to `flags`; returns the
   * number of rules added. Shared by inspectValue and the body walk, which collects findings
   * without a Verdict per string.
   */
  function inspectInto(value: string, kind: FieldKind, route: string | undefined, field: string, rules: string[], flags: string[]): number {
    const before = rules.length;
    const plan = plans.get(kind);
    // A field map naming a kind that does not exist is refused, as inspectValue refuses it.
    if (!plan) { rules.push('input.invalid-kind'); return 1; }
    if (value.length > effectiveLimits.maxStringLength) {
      rules.push('input.too-long');
    } else {
      const views = new ValueViews(value);
      const shape = checkKindShape(views, kind, paranoia);
      if (shape && !allowed(shape, route, field)) rules.push(shape);
      if (rules.length === before) {
        for (const detector of plan.blocking) {
          const rule = detector(views, plan.context);
          if (rule && !allowed(rule, route, field)) rules.push(rule);
        }
      }
      for (const detector of plan.flagging) {
        const rule = detector(views, plan.context);
        if (rule) flags.push(rule);
      }
    }
    for (let index = before; index < rules.length; index++) count(rules[index]!);
    return rules.length - before;
  }

  function inspectValue(value: string, kind: FieldKind, context?: InspectContext): Verdict {
    if (typeof value !== 'string' || !plans.has(kind)) return { blocked: true, rules: ['input.invalid-kind'], flags: [] };
    const rules: string[] = [];
    const flags: string[] = [];
    inspectInto(value, kind, context?.route, context?.field ?? '', rules, flags);
    return { blocked: mode === 'block' && rules.length > 0, rules, flags };
  }

  function inspectObject(body: unknown, fieldKindMap: FieldKindMap, context?: InspectContext & { defaultKind?: FieldKind }): ObjectVerdict {
    const limit = findLimitBreach(body, effectiveLimits);
    if (limit) return { blocked: true, findings: [], flags: [], limit };
    const route = context?.route;
    const findings: Finding[] = [];
    const flags: Finding[] = [];
    // Scratch lists reused for every string of the body; most strings add nothing to them.
    const valueRules: string[] = [];
    const valueFlags: string[] = [];
    walkFields(body, fieldKindMap, context?.defaultKind ?? 'query', {
      onKey(field, rule) {
        if (allowed(rule, route, field)) return;
        count(rule);
        findings.push({ field, rule });
      },
      onString(field, value, kind) {
        inspectInto(value, kind, route, field, valueRules, valueFlags);
        if (valueRules.length > 0) {
          for (const rule of valueRules) findings.push({ field, rule });
          valueRules.length = 0;
        }
        if (valueFlags.length > 0) {
          for (const rule of valueFlags) flags.push({ field, rule });
          valueFlags.length = 0;
        }
      },
    });
    return { blocked: mode === 'block' && findings.length > 0, findings, flags };
  }

  return {
    paranoia,
    mode,
    limits: effectiveLimits,
    inspectValue,
    inspectObject,
    rejectionCounts: () => Object.fromEntries(counts),
  };
}
