// `npm run serve`: the headless server from the repository. Runs src/main/cli.ts as the shipped
// programs run it, bundled (scripts/serve-build.mjs builds out/serve/ on the first run and after a
// source changes), with the same flags and output: `node scripts/serve.mjs --port 0 …`.
import { pathToFileURL } from 'node:url';
import { serveBuild } from './serve-build.mjs';

let entry;
try {
  entry = await serveBuild();
} catch (err) {
  console.error(`oauth-console: ${String(err.message).replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
}
await import(pathToFileURL(entry).href);
