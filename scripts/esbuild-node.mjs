// How esbuild bundles the server's code for Node, shared by the package build
// (scripts/build-package.mjs) and `npm run serve`'s (scripts/serve-build.mjs): ES modules with
// dynamic imports as chunks of their own (beside the entries), every npm dependency left an
// import of node_modules, React's automatic JSX runtime.
export const NODE_BUNDLE = {
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  packages: 'external',
  jsx: 'automatic',
  metafile: true,
};
