import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', '.data/**', 'node_modules/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Migrations are frozen in time and take `Kysely<any>` (Kysely's own convention). Tests read
    // parsed JSON and fake Electron's module surface, where `any` is what the value honestly is.
    files: ['src/main/store/migrations/**/*.ts', 'test/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain Node scripts (no TypeScript).
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The script a fresh project runs against the packed package (test/package).
    files: ['test/package/consumer/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', fetch: 'readonly', Buffer: 'readonly' } },
  },
  {
    // Folders say where code may run: shared code is pure (no Node, no Electron, no DOM-only APIs).
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'electron', 'electron/*', '../main/*', '../renderer/*', '../../main/*', '../../renderer/*'] }],
    },
  },
  {
    // Only the Electron shell imports electron; everything else runs in plain Node. Only the store
    // writes SQL: Kysely is imported nowhere else, so no query (and no dialect) leaks above it.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/app/**', 'src/main/index.ts', 'src/main/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', { name: 'kysely', message: 'SQL lives in src/main/store: add a function to the store for this query.' }],
        },
      ],
    },
  },
  {
    // The shell may import electron, but not Kysely either.
    files: ['src/main/app/**/*.ts', 'src/main/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'kysely', message: 'SQL lives in src/main/store.' }] }] },
  },
  {
    // The admin use cases are transport-free: they import neither the server (HTTP) nor the shell
    // (IPC); the running server implements their context (AdminServer).
    files: ['src/main/admin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron', { name: 'kysely', message: 'SQL lives in src/main/store.' }], patterns: ['../server/*', '../app/*'] },
      ],
    },
  },
  {
    // The protocol engine's configuration and the HTTP primitives sit below the server's routes:
    // they import neither the routes (server), the use cases (admin) nor the shell (app).
    files: ['src/main/oauth/**/*.ts', 'src/main/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron', { name: 'kysely', message: 'SQL lives in src/main/store.' }], patterns: ['../server/*', '../admin/*', '../app/*'] },
      ],
    },
  },
  {
    // The store is the bottom layer: it imports nothing above it.
    files: ['src/main/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['../admin/*', '../server/*', '../oauth/*', '../app/*', '../../admin/*', '../../server/*', '../../oauth/*'] }],
    },
  },
  {
    // The renderer sees only shared code and its own files.
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'electron', '**/main/**', '**/preload/**'] }] },
  },
);
