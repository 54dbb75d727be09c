/**
 * Which detectors apply to which field kind, and the checks that belong to a kind itself.
 *
 * | kind       | blocking detectors                                              | flag only |
 * |------------|-----------------------------------------------------------------|-----------|
 * | identifier | character set; traversal, prototype pollution                   |           |
 * | name       | XSS, SQL, command                                               | prompt    |
 * | title      | XSS                                                             | prompt    |
 * | text       | —                                                               | prompt    |
 * | prompt     | —                                                               | prompt    |
 * | path       | traversal, command, XSS                                         |           |
 * | url        | scheme, traversal (path and each parameter), XSS                |           |
 * | query      | SQL, XSS, command, NoSQL, prototype pollution, traversal        |           |
 * | header     | SQL, XSS, command                                               |           |
 *
 * Titles, free text and prompts legitimately contain SQL, shell and `../` (DESIGN.md, Security):
 * a title is rendered, so markup that executes is refused, and nothing else is.
 */
import type { ValueViews } from './normalise.js';
import type { DetectorName, FieldKind, Paranoia } from './types.js';

export interface KindPolicy {
  /** Detectors whose findings reject the value (in block mode). */
  readonly blocking: readonly DetectorName[];
  /** Detectors whose findings are recorded as flags and never reject. */
  readonly flagging: readonly DetectorName[];
}

export const kindPolicies: Readonly<Record<FieldKind, KindPolicy>> = {
  identifier: { blocking: ['path-traversal', 'prototype-pollution'], flagging: [] },
  name: { blocking: ['xss', 'sql-injection', 'command-injection'], flagging: ['prompt-injection'] },
  title: { blocking: ['xss'], flagging: ['prompt-injection'] },
  text: { blocking: [], flagging: ['prompt-injection'] },
  prompt: { blocking: [], flagging: ['prompt-injection'] },
  path: { blocking: ['path-traversal', 'command-injection', 'xss'], flagging: [] },
  url: { blocking: ['path-traversal', 'xss'], flagging: [] },
  query: { blocking: ['sql-injection', 'xss', 'command-injection', 'nosql-injection', 'prototype-pollution', 'path-traversal'], flagging: [] },
  header: { blocking: ['sql-injection', 'xss', 'command-injection'], flagging: [] },
};

/**
 * Ids, slugs, model names, UUIDs: `run_01JD8Q6ZK3M2X9`, `openai/gpt-4o-mini`,
 * `openai-compatible/llama3.1:8b`. Anything else (quotes, spaces, `<`, `%`, `$`) is refused by
 * the character set alone, before any detector runs.
 */
export const identifierPattern = /^[A-Za-z0-9_][A-Za-z0-9_.:/@+-]{0,255}$/;

/** C0 controls other than tab, and DEL: never part of a single-line value. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const controlCharacters = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Free text may hold newlines and tabs, but not the other controls. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const textControlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Schemes a stored link may use; `javascript:`, `data:` and `file:` are refused. */
const allowedUrl = /^https?:\/\/[^\s/?#\\]+/i;

const whitespace = /\s/;
const percentOrAmpersand = /[%&]/;
const markupOrBraces = /[<>{}]/;

/**
 * Checks that belong to the kind rather than to an attack family; returns a rule id. Control
 * characters are looked for in the decoded value too: `%0d%0a` is a line break once decoded.
 */
export function checkKindShape(views: ValueViews, kind: FieldKind, paranoia: Paranoia): string | undefined {
  const value = views.raw;
  switch (kind) {
    case 'identifier':
      return identifierPattern.test(value) ? undefined : 'input.identifier-charset';
    case 'text':
    case 'prompt':
      return !views.plain && textControlCharacters.test(value) ? 'input.control-character' : undefined;
    case 'url':
      if (controlCharacters.test(value) || whitespace.test(value)) return 'input.control-character';
      return allowedUrl.test(value) ? undefined : 'input.url-scheme';
    case 'name':
    case 'title':
    case 'path':
    case 'query':
    case 'header':
      if (controlCharacters.test(value) || (percentOrAmpersand.test(value) && controlCharacters.test(views.decoded))) return 'input.control-character';
      // Names of people, teams and things carry no markup or template braces.
      return paranoia >= 2 && kind === 'name' && markupOrBraces.test(value) ? 'input.name-charset' : undefined;
  }
}
