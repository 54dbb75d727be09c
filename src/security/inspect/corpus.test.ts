/**
 * Accuracy over the development corpus (../shared/corpus; its README says how to place a line).
 * Each attack family is measured in the kinds where it is a threat, at the default paranoia;
 * benign values are measured in their own kinds. Prints one confusion table per family.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createInspector } from './inspector.js';
import { corpusExclusions } from './corpus-exclusions.js';
import type { FieldKind } from './types.js';

const corpus = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const inspector = createInspector({});

function lines(file: string): string[] {
  return readFileSync(`${corpus}${file}`, 'utf8').split('\n').filter((line) => line.length > 0);
}

type Placement = { readonly label: string; readonly rejects: (line: string) => boolean };

const asKind = (kind: FieldKind): Placement => ({ label: kind, rejects: (line) => inspector.inspectValue(line, kind).blocked });
const asJsonBody: Placement = {
  label: 'JSON body',
  rejects: (line) => {
    // A line that is itself a JSON object is sent as a nested object; any other line as a string field.
    let parsed: unknown;
    try { parsed = JSON.parse(line); } catch { parsed = undefined; }
    const body = parsed !== null && typeof parsed === 'object' ? { filter: parsed } : { filter: { q: line } };
    return inspector.inspectObject(body, { 'filter.q': 'query', 'filter.**': 'query' }).blocked;
  },
};
const asUrl: Placement = {
  label: 'url (?p=)',
  rejects: (line) => inspector.inspectValue(`https://example.com/files?p=${encodeURIComponent(line)}`, 'url').blocked,
};

const families: ReadonlyArray<{ family: string; file: string; placements: Placement[] }> = [
  { family: 'SQL injection', file: 'attacks/sqli.txt', placements: [asKind('query'), asJsonBody, asKind('identifier')] },
  { family: 'command injection', file: 'attacks/cmdi.txt', placements: [asKind('query'), asJsonBody, asKind('identifier')] },
  { family: 'NoSQL injection', file: 'attacks/nosql.txt', placements: [asKind('query'), asJsonBody] },
  { family: 'prototype pollution', file: 'attacks/proto.txt', placements: [asKind('query'), asJsonBody] },
  { family: 'XSS', file: 'attacks/xss.txt', placements: [asKind('query'), asKind('name'), asKind('title')] },
  { family: 'path traversal', file: 'attacks/traversal.txt', placements: [asKind('path'), asUrl] },
];

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)}%`;
}

describe('input inspector accuracy over the development corpus', () => {
  for (const { family, file, placements } of families) {
    it(`rejects at least 99% of ${family} payloads in every kind where it is a threat`, () => {
      const excluded = new Set(corpusExclusions.filter((entry) => entry.file === file).map((entry) => entry.line));
      const attacks = lines(file).filter((line) => !excluded.has(line));
      const rows: string[] = [];
      for (const placement of placements) {
        const missed = attacks.filter((line) => !placement.rejects(line));
        rows.push(`| ${placement.label} | ${attacks.length} | ${attacks.length - missed.length} | ${missed.length} | ${percent(attacks.length - missed.length, attacks.length)} |`);
        // The identifier row shows the character set at work; it is reported, not a target.
        if (placement.label !== 'identifier') {
          expect.soft(missed.length / attacks.length, `${family} in ${placement.label} missed: ${JSON.stringify(missed.slice(0, 10))}`).toBeLessThanOrEqual(0.01);
        }
      }
      console.log([`\n${family} (${file}; ${excluded.size} lines excluded)`, '| kind | attacks | rejected | accepted (missed) | detection |', '|---|---|---|---|---|', ...rows].join('\n'));
    });
  }

  it('accepts at least 99.5% of benign values in their own kinds and never rejects a prompt', () => {
    const benign: Array<{ kind: FieldKind; value: string }> = [];
    for (const line of lines('benign/libinjection-false-positives.txt')) {
      if (line.startsWith('#')) continue;
      let value = line;
      try { value = decodeURIComponent(line.replace(/\+/g, ' ')); } catch { value = line; }
      benign.push({ kind: 'query', value });
    }
    for (const line of lines('benign/agent-api-values.jsonl')) {
      const { field, value } = JSON.parse(line) as { field: FieldKind; value: string };
      benign.push({ kind: field, value });
    }
    const byKind = new Map<FieldKind, { total: number; rejected: string[] }>();
    for (const { kind, value } of benign) {
      const entry = byKind.get(kind) ?? { total: 0, rejected: [] };
      entry.total++;
      if (inspector.inspectValue(value, kind).blocked) entry.rejected.push(value);
      byKind.set(kind, entry);
    }
    const rows = [...byKind].map(([kind, { total, rejected }]) => `| ${kind} | ${total} | ${total - rejected.length} | ${rejected.length} | ${percent(total - rejected.length, total)} |`);
    const rejectedCount = [...byKind.values()].reduce((sum, entry) => sum + entry.rejected.length, 0);
    console.log(['\nbenign values', '| kind | values | accepted | rejected (false positives) | acceptance |', '|---|---|---|---|---|', ...rows,
      `| all | ${benign.length} | ${benign.length - rejectedCount} | ${rejectedCount} | ${percent(benign.length - rejectedCount, benign.length)} |`].join('\n'));
    expect(byKind.get('prompt')?.rejected ?? []).toEqual([]);
    expect(rejectedCount / benign.length, JSON.stringify([...byKind.values()].flatMap((entry) => entry.rejected))).toBeLessThanOrEqual(0.005);
  });

  it('keeps the exclusion list to lines that exist in the corpus, each with a reason', () => {
    for (const { file, line, reason } of corpusExclusions) {
      expect(lines(file), `${file}: ${line}`).toContain(line);
      expect(reason.length, `${file}: ${line}`).toBeGreaterThan(30);
    }
    // Reviewed at 47 lines; the list may shrink as the engine improves, never grow to hide misses.
    expect(corpusExclusions.length).toBeLessThanOrEqual(47);
  });
});
