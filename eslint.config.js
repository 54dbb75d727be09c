import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'web/dist/**', 'node_modules/**', '.anvil/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // process.env is read in exactly one place: the config module (DESIGN.md, Layers).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through src/config.' }],
    },
  },
  // The dashboard runs in the browser.
  { files: ['web/src/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['src/config/**', 'test/**', 'bench/**', 'scripts/**', '**/*.test.ts', 'vitest.config.ts', 'web/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
