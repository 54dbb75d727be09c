import type { ValueViews } from './normalise.js';

/** Every route field has one kind (DESIGN.md, Security); the kind decides which detectors apply. */
export const fieldKinds = ['identifier', 'name', 'title', 'text', 'prompt', 'path', 'url', 'query', 'header'] as const;
export type FieldKind = (typeof fieldKinds)[number];

/**
 * 1 — only findings that are attacks in any reading (UNION SELECT, `<script>`, `../../etc/passwd`).
 * 2 — the default: also grammar-level signs (quote breakouts, tautologies, command separators
 *     followed by a command, probes made only of syntax characters).
 * 3 — strict: any SQL comment or keyword pair, any tag, any `..`, any shell metacharacter.
 */
export type Paranoia = 1 | 2 | 3;

export const detectorNames = [
  'sql-injection',
  'xss',
  'path-traversal',
  'command-injection',
  'nosql-injection',
  'prototype-pollution',
  'prompt-injection',
] as const;
export type DetectorName = (typeof detectorNames)[number];

export interface DetectorContext {
  readonly kind: FieldKind;
  readonly paranoia: Paranoia;
}

/** A detector returns the id of the first rule the value breaks (`family.rule`), or undefined. */
export type Detector = (views: ValueViews, context: DetectorContext) => string | undefined;
