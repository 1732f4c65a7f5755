/**
 * Servers under test run as child processes started like a user would:
 * ours as `node scripts/serve.mjs …`, which is what `npm run serve` runs,
 * minus npm's own process (the CLI bundled, see scripts/serve-build.mjs), the
 * in-memory engine bundled by the same esbuild options (bench/lib/bare-build.ts); so cold
 * start and resident memory are the server's alone and the load generator
 * does not share its event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { bareProviderBundle } from './bare-build';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export type ServerKind = 'ours' | 'inmemory';

export interface StartOptions {
  kind: ServerKind;
  dataDir?: string;
  consent?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** A first run prints the demo client's secret once: wait for it. */
  expectSecret?: boolean;
  /** More flags for our server (`--database postgres://…`). */
  extraArgs?: string[];
  /** More environment for the server process (`OAUTH_CONSOLE_MASTER_KEY`). */
  env?: Record<string, string>;
}

export interface ServerProcess {
  kind: ServerKind;
  pid: number;
  origin: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Spawn to the first 200 answer of the discovery document, ms. */
  startMs: number;
  /** Resident set size right after that first answer, bytes. */
  rssAtStart: number;
  output: string[];
  child: ChildProcess;
  stop(): Promise<void>;
}

interface ProcStatus {
  rss: number;
  hwm: number;
}

/** VmRSS and VmHWM (peak) of a process, bytes; falls back to `ps` where /proc is missing. */
export function memoryOf(pid: number): ProcStatus {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    const rss = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
    return { rss, hwm: rss };
  }
}

let clockTicks: number | undefined;

/** User + system CPU time in a /proc `stat` file (a process's or one thread's), ms; undefined without /proc. */
function cpuTimeInStat(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, ms; undefined without /proc. */
export function cpuTimeOf(pid: number): number | undefined {
  return cpuTimeInStat(`/proc/${pid}/stat`);
}

/**
 * CPU time (user + system) of a process's main thread so far, ms: where the
 * JavaScript runs (the engine, our code, and node:sqlite's statements); the
 * rest of a process's CPU is V8's helper threads and libuv's pool.
 */
export function mainThreadCpuTimeOf(pid: number): number | undefined {
  return cpuTimeInStat(`/proc/${pid}/task/${pid}/stat`);
}

/** Busy CPU time of the whole machine so far (all cores, all processes), ms; undefined without /proc. */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/** The in-memory engine's source; it runs bundled like ours (bench/lib/bare-build.ts). */
const BARE_ENTRY = 'bench/bare-provider.ts';

/** `npm run serve`'s command, what it runs with no npm in between. */
const OURS_ENTRY = 'scripts/serve.mjs';

/** A flag that preloads a TypeScript file (`--import ./bench/lib/query-counter.ts`): tsx must run first. */
const preloadsTypeScript = (flags: string[]) => flags.some((flag) => flag.endsWith('.ts'));

/**
 * The node arguments of a server. The in-memory engine runs bundled by the
 * same esbuild options (bench/lib/bare-build.ts). Ours runs as `npm run serve` does, except under a TypeScript
 * preload (`--profile`, `--what-if`: every variant alike): then from its
 * sources through tsx, so CPU profiles name our source files, not chunks of
 * the bundle.
 */
async function nodeArgs(kind: ServerKind, nodeFlags: string[], entry: string[]): Promise<string[]> {
  const tsx = preloadsTypeScript(nodeFlags);
  const [first, ...rest] = entry;
  let script = first!;
  if (kind === 'ours' && tsx && first === OURS_ENTRY) script = 'src/main/cli.ts';
  if (kind === 'inmemory' && !tsx) script = await bareProviderBundle(ROOT);
  return [...(tsx ? ['--import', 'tsx'] : []), ...nodeFlags, script, ...rest];
}

function entryArgs(options: StartOptions): string[] {
  if (options.kind === 'inmemory') return [BARE_ENTRY, '--port', '0'];
  return [OURS_ENTRY, '--port', '0', '--host', '127.0.0.1', '--data-dir', options.dataDir!, ...(options.consent ? ['--consent', options.consent] : []), ...(options.extraArgs ?? [])];
}

/**
 * Loads every module of a server once without starting it (`--help` for ours,
 * `--prime` for the in-memory one), so tsx's transform cache is warm and our
 * bundle is built: timed cold starts measure the server, not the first
 * TypeScript transform or build.
 */
export async function primeServer(kind: ServerKind): Promise<void> {
  const entry = kind === 'ours' ? [OURS_ENTRY, '--help'] : [BARE_ENTRY, '--prime'];
  const child = spawn(process.execPath, await nodeArgs(kind, [], entry), { cwd: ROOT, env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' }, stdio: 'ignore' });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`${kind} server does not load (exit ${code}); run it by hand to see why`);
}

/** Spawns a server, waits for its issuer line and its first answered request. */
export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const args = await nodeArgs(options.kind, options.nodeFlags ?? [], entryArgs(options));
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const fields: Record<string, string> = {};
  const issuerSeen = new Promise<string>((resolveIssuer, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      const m = /^(issuer|demo client_id|demo client_secret)[^:]*: (\S+)/.exec(line);
      if (m) fields[m[1]!] = m[2]!;
      if (m?.[1] === 'issuer') resolveIssuer(m[2]!);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    void exited.then((code) => reject(new Error(`${options.kind} server exited with ${code} before listening:\n${output.join('\n')}`)));
  });
  let origin: string;
  let startMs: number;
  let rssAtStart: number;
  try {
    origin = await issuerSeen;
    for (;;) {
      const res = await fetch(`${origin}/.well-known/openid-configuration`).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.status === 200) break;
      if (performance.now() - t0 > 60_000) throw new Error(`${options.kind} server never answered discovery`);
      await new Promise((r) => setTimeout(r, 2));
    }
    startMs = performance.now() - t0;
    rssAtStart = memoryOf(child.pid!).rss;
    // The client id/secret lines follow the issuer line; give them a moment on a first run.
    const expectSecret = options.kind === 'inmemory' || options.expectSecret;
    for (let i = 0; i < 200 && expectSecret && !fields['demo client_secret']; i++) await new Promise((r) => setTimeout(r, 10));
    if (expectSecret && !fields['demo client_secret']) throw new Error(`${options.kind} server printed no client secret:\n${output.join('\n')}`);
  } catch (err) {
    // Never leave a half-started server behind.
    child.kill('SIGKILL');
    throw err;
  }
  return {
    kind: options.kind,
    pid: child.pid!,
    origin,
    clientId: fields['demo client_id'],
    clientSecret: fields['demo client_secret'],
    startMs,
    rssAtStart,
    output,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
