import type { JSONSchema7, JSONSchema7Definition } from '@ai-sdk/provider';
import { hashHex } from './random.js';

/**
 * Answers to requests without an <anvil-context> block: plain chat through the OpenAI-compatible
 * endpoint, the guardian, summaries. The text echoes a hash of the last user message so equal
 * requests get equal answers (the gateway cache can be observed) and different ones differ.
 */

export function chatText(seed: number, userText: string): string {
  const digest = hashHex(seed, userText);
  const preview = userText.replace(/\s+/g, ' ').trim().slice(0, 60);
  return `[simulated] Reply ${digest} to "${preview}". No model was called; configure a provider key for real answers.`;
}

/**
 * A JSON answer. With a schema, a minimal value that satisfies it (first enum value, empty
 * arrays, labelled strings), so structured-output callers parse it; without one, a small object.
 */
export function chatJson(seed: number, userText: string, schema: JSONSchema7 | undefined): string {
  const text = chatText(seed, userText);
  const value = schema ? valueFor(schema, text, 0) : { simulated: true, reply: text };
  return JSON.stringify(value);
}

function valueFor(definition: JSONSchema7Definition, text: string, depth: number): unknown {
  if (typeof definition === 'boolean') return definition ? text : null;
  const schema = definition;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant !== undefined) return valueFor(variant, text, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return text.slice(0, schema.maxLength ?? text.length).padEnd(schema.minLength ?? 0, '.');
    case 'number':
    case 'integer':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const size = schema.minItems ?? 0;
      const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
      return Array.from({ length: size }, () => (items === undefined ? text : valueFor(items, text, depth + 1)));
    }
    case 'object':
    default: {
      if (depth > 8) return {};
      const result: Record<string, unknown> = {};
      // Fill every declared property: strict structured-output schemas mark all as required.
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        result[key] = valueFor(property, text, depth + 1);
      }
      return result;
    }
  }
}
