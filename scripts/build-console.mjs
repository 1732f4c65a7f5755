// Builds only the web console: the renderer of electron.vite.config.ts, exactly as
// `npm run build` builds it (same plugins, target and base), into the folder given
// as the first argument. `npm run serve` runs it in a child process on the console's
// first request, so the build never blocks the OAuth endpoints.
//
//   node scripts/build-console.mjs out/renderer
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node scripts/build-console.mjs OUT_DIR');
  process.exit(2);
}
// Started by a server with an IPC channel: when that server goes away (even kill -9), stop and
// remove the partial build (the server builds into a temporary folder of its own).
process.on('disconnect', () => {
  rmSync(outDir, { recursive: true, force: true });
  process.exit(1);
});

const root = resolve(import.meta.dirname, '..');
process.env.NODE_ENV_ELECTRON_VITE = 'production';
const { config } = await resolveConfig({ root, logLevel: 'error' }, 'build', 'production');
const renderer = config?.renderer;
if (!renderer) {
  console.error(`no renderer in ${root}/electron.vite.config.ts`);
  process.exit(1);
}
renderer.build = { ...renderer.build, outDir: resolve(outDir), emptyOutDir: true };
await build(renderer);
process.exit(0);
