// The build `npm run serve` runs: src/main/cli.ts bundled by esbuild into out/serve/<build>/,
// the way the shipped programs run (the desktop app's main process is electron-vite's bundle,
// the package's `oauth-console` command esbuild's, scripts/build-package.mjs). Node then loads a
// few files instead of some 400 TypeScript modules through a loader hook: the server starts in
// about half the time and with less memory. Built on the first run and whenever a source it was
// built from changed (size or modification time), in about a tenth of a second; otherwise a start
// costs one stat per source (a few milliseconds).
//
// Bundled like the package (scripts/esbuild-node.mjs: npm dependencies bundled in but for a few),
// dynamic imports become chunks of their own (the MCP routes load on first use); the tsconfig is
// tsconfig.node.json (the one tsx runs the sources with).
//
// Each build goes to a folder named after what it was built from, written under a temporary
// name and renamed into place, and out/serve/current.json names the newest; so two starts at
// once never see half a build, and a running server keeps the chunks it may still load.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NODE_BUNDLE } from './esbuild-node.mjs';

/** Builds kept besides the current one (a server started from one may still load its chunks). */
const KEEP = 4;
/** Files that shape the build without being bundled. */
const SETTINGS_FILES = ['package.json', 'tsconfig.node.json'];
/** npm's record of the installed packages, rewritten by every `npm install`, `npm ci` and `npm update`. */
const INSTALLED = 'node_modules/.package-lock.json';
/** This script and its options: a build made by another version of them is stale. */
const BUILDER = createHash('sha256').update(readFileSync(import.meta.filename)).update(JSON.stringify(NODE_BUNDLE)).digest('hex').slice(0, 16);

const OPTIONS = {
  ...NODE_BUNDLE,
  entryPoints: { cli: 'src/main/cli.ts' },
  tsconfig: 'tsconfig.node.json',
  sourcemap: 'linked',
  logLevel: 'error',
};

/** A file's size and modification time: a change to either means the build is stale. */
function stampOf(root, file) {
  try {
    const info = statSync(join(root, file));
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** The build `current.json` names, when this script made it and every file it came from is unchanged. */
function currentBuild(root, serveDir) {
  let current;
  try {
    current = JSON.parse(readFileSync(join(serveDir, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = join(serveDir, String(current.build), 'cli.js');
  if (current.builder !== BUILDER || !current.stamps || !existsSync(entry)) return undefined;
  for (const [file, stamp] of Object.entries(current.stamps)) if (stampOf(root, file) !== stamp) return undefined;
  return entry;
}

/** Removes builds older than the newest {@link KEEP} besides `keep`, and temporary folders an interrupted build left. */
function prune(serveDir, keep) {
  const entries = readdirSync(serveDir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== keep);
  const aged = entries.map((e) => ({ name: e.name, at: statSync(join(serveDir, e.name)).mtimeMs })).sort((a, b) => b.at - a.at);
  const hourAgo = Date.now() - 3_600_000;
  let kept = 0;
  for (const { name, at } of aged) {
    const partial = name.startsWith('.');
    if (partial ? at > hourAgo : kept++ < KEEP) continue;
    rmSync(join(serveDir, name), { recursive: true, force: true });
  }
}

async function build(root, serveDir) {
  const { build: esbuild, version } = await import('esbuild');
  mkdirSync(serveDir, { recursive: true });
  const temp = mkdtempSync(join(serveDir, '.build-'));
  let result;
  try {
    result = await esbuild({ ...OPTIONS, absWorkingDir: root, outdir: temp });
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    const first = err.errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new Error(`cannot build the server from src/main: ${where}${first?.text ?? err.message}`, { cause: err });
  }
  // Stamped after the build: an edit made during the tenth of a second it takes waits for the next edit.
  const stamps = {};
  // The bundled npm packages are stamped by npm's own record of what it installed (rewritten by every
  // install), not file by file: some 700 stats fewer per start.
  const sources = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
  for (const file of [...sources, ...SETTINGS_FILES, INSTALLED].sort()) stamps[file] = stampOf(root, file);
  const id = createHash('sha256').update(`${BUILDER} ${version}`).update(JSON.stringify(stamps)).digest('hex').slice(0, 16);
  const target = join(serveDir, id);
  if (existsSync(target)) rmSync(temp, { recursive: true, force: true });
  else {
    try {
      renameSync(temp, target);
    } catch (err) {
      // Another start renamed the same build into place first.
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(target)) throw err;
    }
  }
  const current = join(serveDir, 'current.json');
  const next = `${current}.${process.pid}`;
  writeFileSync(next, `${JSON.stringify({ build: id, builtAt: new Date().toISOString(), builder: BUILDER, esbuild: version, stamps }, null, 1)}\n`);
  renameSync(next, current);
  prune(serveDir, id);
  return join(target, 'cli.js');
}

/**
 * The bundled CLI's entry file, built first when missing or stale. `root` is the repository
 * (its src/main/cli.ts, package.json, tsconfig.node.json); builds go to `<root>/out/serve`.
 */
export async function serveBuild(root = resolve(import.meta.dirname, '..')) {
  const serveDir = join(root, 'out', 'serve');
  return currentBuild(root, serveDir) ?? (await build(root, serveDir));
}
