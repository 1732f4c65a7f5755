import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What the console route can serve right now. */
export type ConsoleBuildState = { state: 'ready' } | { state: 'building' } | { state: 'failed'; reason: string };

/** Builds the web console when its build is missing or older than its sources. */
export interface ConsoleBuilder {
  /** The folder the console is built into and served from. */
  readonly outDir: string;
  /** Starts a build when needed (one at a time) and says whether the console can be served. */
  ensure(): Promise<ConsoleBuildState>;
  /** Ends a running build and removes its partial output. */
  stop(): Promise<void>;
}

export interface ConsoleBuilderOptions {
  /** The repository: its `src/renderer`, `src/shared`, `electron.vite.config.ts` and `package-lock.json` are the sources. */
  root: string;
  outDir: string;
  /** Gets one line when a build starts, ends or fails. */
  log: (line: string) => void;
  /** A build running longer than this is ended and counts as failed. */
  timeoutMs?: number;
}

const SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package-lock.json'];

/** The newest modification time among the files under `paths` (0 when none exists). */
async function newestMtime(paths: string[]): Promise<number> {
  let newest = 0;
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    newest = Math.max(newest, info.mtimeMs);
    if (!info.isDirectory()) continue;
    for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = await stat(join(entry.parentPath, entry.name)).catch(() => null);
      if (file) newest = Math.max(newest, file.mtimeMs);
    }
  }
  return newest;
}

/** The child's last line of output, without colours, for a one-line failure message. */
function lastLine(output: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((line) => line.trim()).filter(Boolean);
  return (lines.at(-1) ?? 'no output').slice(0, 300);
}

/**
 * Builds the console with `scripts/build-console.mjs` in a child process (an in-process
 * vite build stalls the event loop for seconds), into a temporary sibling of `outDir`
 * that then replaces `outDir`, so a request never sees half a build.
 *
 * @example const builder = createConsoleBuilder({ root, outDir: join(root, 'out/renderer'), log: console.log });
 */
export function createConsoleBuilder(options: ConsoleBuilderOptions): ConsoleBuilder {
  const { root, outDir, log } = options;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const sources = SOURCES.map((path) => join(root, path));
  let current: Promise<void> | null = null;
  let child: ChildProcess | null = null;
  let failure: { reason: string; sourcesAt: number } | null = null;
  let stopped = false;

  async function run(sourcesAt: number): Promise<void> {
    const started = performance.now();
    const existing = await readdir(outDir).catch(() => null);
    if (existing?.length && !existing.includes('index.html')) {
      // The folder is replaced whole: never one that holds something other than a console build.
      failure = { reason: `${outDir} holds files that are not a console build, so it is left alone`, sourcesAt };
      log(`console: the web console build failed: ${failure.reason}`);
      return;
    }
    let tempDir: string;
    try {
      await mkdir(dirname(outDir), { recursive: true });
      tempDir = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}.building-`));
    } catch (err) {
      failure = { reason: `cannot create ${dirname(outDir)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, sourcesAt };
      log(`console: the web console build failed: ${failure.reason}`);
      return;
    }
    log(`console: building the web console into ${outDir} (a few seconds; the page reloads itself when it is ready)`);
    child = spawn(process.execPath, [join(root, 'scripts', 'build-console.mjs'), tempDir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const build = child;
    let output = '';
    build.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    build.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const timer = setTimeout(() => build.kill('SIGKILL'), timeoutMs);
    timer.unref();
    const code = await new Promise<number | null>((resolve) => {
      build.once('error', (err) => {
        output += `\n${err.message}`;
        resolve(null);
      });
      build.once('exit', (exitCode) => resolve(exitCode));
    });
    clearTimeout(timer);
    child = null;
    if (stopped) {
      await rm(tempDir, { recursive: true, force: true });
      return;
    }
    if (code === 0) {
      try {
        await rm(outDir, { recursive: true, force: true });
        await rename(tempDir, outDir);
        // Stamped with its sources' time: a source saved during the build makes it stale at once.
        const stamp = (sourcesAt + 1) / 1000;
        await utimes(join(outDir, 'index.html'), stamp, stamp);
        failure = null;
        log(`console: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        return;
      } catch (err) {
        output = `cannot move the build into ${outDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      }
    } else if (code === null && !output.trim()) {
      output = `the build did not finish within ${timeoutMs / 1000} s`;
    }
    await rm(tempDir, { recursive: true, force: true });
    failure = { reason: lastLine(output), sourcesAt };
    log(`console: the web console build failed: ${failure.reason} (run \`npm run build\` to see all of its output)`);
  }

  return {
    outDir,
    async ensure() {
      if (current) return { state: 'building' };
      const sourcesAt = await newestMtime(sources);
      const builtAt = (await stat(join(outDir, 'index.html')).catch(() => null))?.mtimeMs ?? null;
      if (builtAt !== null && builtAt >= sourcesAt) return { state: 'ready' };
      // A failed build is retried only once its sources change, not on every reload.
      if (failure && failure.sourcesAt >= sourcesAt) return { state: 'failed', reason: failure.reason };
      if (stopped) return { state: 'failed', reason: 'the server is stopping' };
      current ??= run(sourcesAt)
        .catch((err: unknown) => {
          failure = { reason: (err as Error).message, sourcesAt };
          log(`console: the web console build failed: ${failure.reason}`);
        })
        .finally(() => (current = null));
      return { state: 'building' };
    },
    async stop() {
      stopped = true;
      child?.kill('SIGTERM');
      await current;
    },
  };
}
