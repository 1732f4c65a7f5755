/**
 * The in-memory engine bundled the way ours is (scripts/esbuild-node.mjs,
 * the options `npm run serve`'s build uses), so both servers start as plain
 * `node <bundle>` and neither pays tsx's loader hooks or its source maps on
 * thrown errors: a ratio of cold starts, memory or CPU is then the servers',
 * not the loaders'. Built once per bench process into out/bench/.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
// @ts-expect-error -- a plain .mjs module shared with the build scripts (no declaration file)
import { NODE_BUNDLE } from '../../scripts/esbuild-node.mjs';

let built: Promise<string> | undefined;

/** The bundled bench/bare-provider.ts, built on first use (the path is relative to the repository root). */
export function bareProviderBundle(root: string): Promise<string> {
  built ??= (async () => {
    const outdir = join(root, 'out', 'bench', 'bare-provider');
    await build({ ...(NODE_BUNDLE as object), entryPoints: { 'bare-provider': 'bench/bare-provider.ts' }, tsconfig: 'tsconfig.node.json', absWorkingDir: root, outdir, logLevel: 'error' });
    return join('out', 'bench', 'bare-provider', 'bare-provider.js');
  })();
  return built;
}
