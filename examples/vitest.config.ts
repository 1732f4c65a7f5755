import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Runs the examples in this repository (test/package/examples.test.ts does).
 * In your project `oauth-console` is the installed package and needs no
 * alias; here it is the package's source entry.
 */
export default defineConfig({
  resolve: { alias: { 'oauth-console': resolve(import.meta.dirname, '../src/main/package/index.ts') } },
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
