// Lint rules that protect what Temporal and the contract need, not taste:
// promises must be awaited (a dropped promise in a workflow or activity loses work),
// and workflow code may not reach Node built-ins (it runs in a deterministic sandbox).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Activities are async by contract even when their body is synchronous.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflows run in a deterministic sandbox: no Node built-ins.',
          })),
          patterns: [
            {
              group: ['../activities/*', '../activities'],
              message: 'Import activities as types only (proxyActivities).',
              allowTypeImports: true,
            },
            {
              // Every cached workflow evaluates its own copy of what it imports: zod would cost
              // ~1 MB of worker memory per open ticket, outage or window. Validators use the
              // zod-free ../model/message-checks, ../model/outage-checks, ../model/maintenance-checks.
              group: [
                'zod',
                'zod/*',
                '../model/ticket',
                '../model/level',
                '../model/outage',
                '../model/maintenance',
                '../policy',
                '../policy/*',
              ],
              message: 'No zod in workflow code (types only): use the zod-free ../model/*-checks.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The pure layers: no Temporal, no I/O.
    files: ['src/calendar/**/*.ts', 'src/rules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'calendar/ and rules/ are pure: no I/O.' })),
          patterns: [{ group: ['@temporalio/*'], message: 'calendar/ and rules/ never import Temporal.' }],
        },
      ],
    },
  },
  {
    // Asymmetric matchers (expect.stringMatching, expect.any) are typed `any` by vitest.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    // dependency-cruiser reads its configuration as CommonJS.
    files: ['.dependency-cruiser.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable' },
      parserOptions: { project: null, projectService: false },
    },
  },
  {
    // The one CommonJS file: the SDK require()s the failure converter by path (src/codec).
    files: ['src/codec/failure-converter.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', parserOptions: { project: null, projectService: false } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
