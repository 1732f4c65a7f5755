// `npm run serve`: the headless server from the repository. Runs src/main/cli.ts as the shipped
// programs run it, bundled (scripts/serve-build.mjs builds out/serve/ on the first run and after a
// source changes), with the same flags and output: `node scripts/serve.mjs --port 0 …`.
//
// With Node's compile cache (V8's code cache of the bundle, kept beside the build in
// out/serve/<build>/compile-cache/): a restart skips compiling the bundle's ~3 MB of code, about
// 50 ms of its start ("Cold start and memory" in the README). Node writes the cache when the process
// exits; it is also flushed a few seconds after start, so a server that is killed rather than
// stopped leaves it too. A stale entry is never used: Node checks each file's content.
import nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { serveBuild } from './serve-build.mjs';

let entry;
try {
  entry = await serveBuild();
} catch (err) {
  console.error(`oauth-console: ${String(err.message).replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
}
// Both are newer than Node 22.0 (22.1 and 22.10): on an older 22 the server starts without the cache.
nodeModule.enableCompileCache?.(join(dirname(entry), 'compile-cache'));
if (nodeModule.flushCompileCache) setTimeout(() => nodeModule.flushCompileCache(), 5000).unref();
await import(pathToFileURL(entry).href);
