import { AnvilError } from '../../errors.js';
import type { WorkflowDefinition } from './definition.js';

export type ParamValue = string | number | boolean;

/**
 * Checks launch parameters against the workflow's declarations and fills defaults. Values from
 * the CLI arrive as strings and are converted to the declared type.
 */
export function resolveParams(definition: WorkflowDefinition, given: Record<string, unknown>): Record<string, ParamValue> {
  const problems: { path: string; message: string }[] = [];
  const resolved: Record<string, ParamValue> = {};
  for (const name of Object.keys(given)) {
    if (!(name in definition.params)) problems.push({ path: `params.${name}`, message: 'unknown parameter' });
  }
  for (const [name, spec] of Object.entries(definition.params)) {
    const raw = given[name] ?? spec.default;
    if (raw === undefined) {
      if (spec.required) problems.push({ path: `params.${name}`, message: 'required' });
      continue;
    }
    const value = coerce(raw, spec.type);
    if (value === undefined) problems.push({ path: `params.${name}`, message: `expected a ${spec.type}` });
    else resolved[name] = value;
  }
  if (problems.length > 0) {
    throw new AnvilError('VALIDATION_FAILED', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
  }
  return resolved;
}

/** Replaces `{name}` with a parameter and `{goal}` with the run's goal; unknown names stay. */
export function renderTemplate(template: string, values: Record<string, ParamValue>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function coerce(raw: unknown, type: 'string' | 'number' | 'integer' | 'boolean'): ParamValue | undefined {
  if (type === 'string') return typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
  if (type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    return undefined;
  }
  const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (Number.isNaN(number)) return undefined;
  if (type === 'integer' && !Number.isInteger(number)) return undefined;
  return number;
}
