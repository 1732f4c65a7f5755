import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { consumerLockfile } from './consumer-lockfile';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** Runs a command; a failure names the command and ends with what it printed (the tail of it). */
export function run(file: string, args: string[], options: ExecFileOptions & { timeoutMs: number }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { ...options, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolvePromise({ stdout: String(stdout), stderr: String(stderr) });
      const tail = `${String(stdout)}\n${String(stderr)}`.trim().split('\n').slice(-25).join('\n');
      const why = err.killed ? `timed out after ${options.timeoutMs / 1000} s` : `failed (${err.code ?? err.signal})`;
      reject(new Error(`${[file, ...args].join(' ')} ${why} in ${options.cwd ?? ROOT}:\n${tail}`));
    });
  });
}

/**
 * The store runs on Node's own node:sqlite and imports no `sqlite3`; while
 * package.json still lists the package (until `npm uninstall sqlite3`), npm
 * runs its install script in the consumer project, so the test keeps
 * feeding it a binary. Once it is gone from package.json, nothing is done.
 */
function dependsOnSqlite3(): boolean {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return 'sqlite3' in (pkg.dependencies ?? {});
}

/**
 * sqlite3's install script (`prebuild-install -r napi || node-gyp rebuild`)
 * downloads a prebuilt binary from GitHub, else compiles SQLite (minutes on
 * two cores). Here GitHub is out of reach, so the test hands it the binary
 * this repository's install built, as a "local prebuild"
 * (`npm_config_sqlite3_local_prebuilds`, a documented prebuild-install
 * option): an N-API binary, so one build serves every Node version.
 */
async function sqlitePrebuildDir(dir: string): Promise<string> {
  const sqlite = join(ROOT, 'node_modules', 'sqlite3');
  const binary = join(sqlite, 'build', 'Release', 'node_sqlite3.node');
  if (!existsSync(binary)) throw new Error(`no ${binary}: sqlite3 did not build when this repository was installed (npm install needs a C++ toolchain)`);
  const meta = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as { version: string; binary: { napi_versions: number[] } };
  const napi = Math.max(...meta.binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
  await mkdir(dir, { recursive: true });
  const name = `sqlite3-v${meta.version}-napi-v${napi}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['-czf', join(dir, name), '-C', sqlite, 'build/Release/node_sqlite3.node'], { timeoutMs: 30_000 });
  return dir;
}

export interface PackedProject {
  /** The fresh project that installed the tarball. */
  dir: string;
  tarball: string;
  /** Seconds each step took. */
  timings: Record<string, number>;
}

async function timed<T>(timings: Record<string, number>, step: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[step] = Math.round((Date.now() - started) / 100) / 10;
  }
}

/**
 * `npm pack` of this repository (its `prepack` builds dist/), then a fresh
 * project that depends on nothing but the tarball, installed with
 * `npm ci --offline` from a lockfile of the repository's own resolved
 * versions (the npm cache has them all since this repository was
 * installed), with keytar's install script denied (`allowScripts`, npm 11;
 * keytar is optional: the master key then lives in a file), and sqlite3's
 * allowed while the package still lists it (see dependsOnSqlite3).
 */
export async function packAndInstall(budgetMs: number): Promise<PackedProject> {
  const deadline = Date.now() + budgetMs;
  const left = () => Math.max(1_000, deadline - Date.now());
  const base = await mkdtemp(join(tmpdir(), 'oauth-console-pack-'));
  const timings: Record<string, number> = {};
  const packDir = join(base, 'pkg');
  await mkdir(packDir);
  const packed = await timed(timings, 'npm pack (prepack: bundle, console, declarations)', () =>
    run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: ROOT, timeoutMs: left() }),
  );
  const fileName = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>)[0]!.filename;
  const tarball = join(packDir, fileName);

  const dir = join(base, 'project');
  await mkdir(dir);
  const spec = `file:../pkg/${fileName}`;
  const manifest = {
    name: 'consumer',
    private: true,
    type: 'module',
    dependencies: { 'oauth-console': spec },
    allowScripts: { ...(dependsOnSqlite3() ? { sqlite3: true } : {}), keytar: false },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(consumerLockfile(join(ROOT, 'package.json'), join(ROOT, 'package-lock.json'), tarball, spec, manifest.name), null, 2)}\n`);
  const prebuilds = dependsOnSqlite3() ? { npm_config_sqlite3_local_prebuilds: await sqlitePrebuildDir(join(base, 'prebuilds')) } : {};
  await timed(timings, 'npm ci --offline', () =>
    run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      timeoutMs: left(),
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...prebuilds },
    }),
  );
  return { dir, tarball, timings };
}
