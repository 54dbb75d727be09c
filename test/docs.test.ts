import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envBindings } from '../src/config/index.js';
import { settingDescriptions } from '../src/config/descriptions.js';
import { errorCodes } from '../src/errors.js';
import { errorTable, leafSettings, settingsTable } from './helpers/docs-tables.js';

/** Docs are part of the product: these fail when code and docs drift apart (`npm run docs` fixes the tables). */
describe('documentation', () => {
  it('lists every error code with its status in docs/errors.md', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    expect(doc).toContain(errorTable());
    for (const code of Object.keys(errorCodes)) expect(doc).toContain(`\`${code}\``);
  });

  it('lists every setting, its variable and default in docs/configuration.md', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    expect(doc).toContain(settingsTable());
    for (const binding of envBindings) expect(doc).toContain(`\`${binding.name}\``);
  });

  it('describes every setting', () => {
    const undescribed = [...new Set([...leafSettings(), ...envBindings.map((binding) => binding.path.join('.'))])].filter((path) => !settingDescriptions[path]);
    expect(undescribed).toEqual([]);
  });

  it('keeps the README quick start exact', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
    expect(readme).not.toMatch(/(^|\s)npx anvil/);
  });
});
