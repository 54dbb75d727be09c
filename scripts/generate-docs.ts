// Regenerates the tables in docs/errors.md and docs/configuration.md from the registries in the
// code (`npm run docs`). test/docs.test.ts fails when the committed docs are out of step.
import { readFileSync, writeFileSync } from 'node:fs';
import { errorTable, settingsTable } from '../test/helpers/docs-tables.js';

function replaceBlock(file: string, name: string, body: string): void {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const text = readFileSync(file, 'utf8');
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  if (!pattern.test(text)) throw new Error(`${file} has no ${start} block`);
  writeFileSync(file, text.replace(pattern, `${start}\n${body}\n${end}`));
}

replaceBlock('docs/errors.md', 'errors', errorTable());
replaceBlock('docs/configuration.md', 'settings', settingsTable());
console.log('docs/errors.md and docs/configuration.md regenerated');
