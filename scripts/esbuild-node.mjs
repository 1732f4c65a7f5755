// How esbuild bundles the server's code for Node, shared by the package build
// (scripts/build-package.mjs), `npm run serve`'s (scripts/serve-build.mjs) and the bench's build of
// the in-memory engine (bench/lib/bare-build.ts): ES modules with dynamic imports as chunks of their
// own (beside the entries), React's automatic JSX runtime.
//
// npm dependencies are bundled in, except those listed in KEEP_EXTERNAL. Node loads a package's ES
// modules one file at a time (kysely is some 200 files, zod's v4 about 100, yaml 70): bundled, a
// restart of `npm run serve` went from about 357 to 304 ms (medians of 5, `npm run bench:startup`).
// Kept as imports of node_modules:
// - oidc-provider and the packages it shares with our code (koa, jose): one copy of each in memory, and the
//   engine loads exactly as bare oidc-provider does, so the bench's in-memory engine and ours pay the
//   same for it;
// - pg: loaded only on PostgreSQL (see src/main/store/database.ts), and it requires `pg-native` lazily;
// - keytar (a native addon), electron (only src/main/app may import it; the package build refuses it);
// - react and react-dom: they choose their production or development build from NODE_ENV when loaded;
// - esbuild (a native binary).
// CommonJS packages bundled into an ES module still call `require` for Node's modules: the banner
// gives the bundle one.
export const KEEP_EXTERNAL = ['oidc-provider', 'koa', 'jose', 'pg', 'keytar', 'electron', 'react', 'react-dom', 'esbuild'];

export const NODE_BUNDLE = {
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: KEEP_EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  jsx: 'automatic',
  metafile: true,
};
