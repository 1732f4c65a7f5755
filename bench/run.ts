/**
 * `npm run bench`: how fast the server issues, checks and refreshes tokens,
 * side by side with bare oidc-provider on its in-memory adapter, in one run.
 *
 *   npm run bench                      full run (about 3 minutes on 2 cores)
 *   npm run bench -- --readme          also refresh the table in README.md
 *   npm run bench -- --quick           short scenarios, 100,000 token rows (a smoke run)
 *   npm run bench -- --profile         CPU profiles + SQL counts of our server per scenario, then --what-if
 *   npm run bench -- --what-if         estimates of proposed core changes (bench/lib/what-if.ts)
 *   npm run bench -- --wait-quiet      on a shared machine: before each scenario, wait (≤ 60 s) for other load to stop
 *   npm run bench -- --token-rows N    size of the token-list table (default 1,000,000)
 *   npm run bench -- --skip-token-list
 *   npm run bench -- --database postgres://user@host:5432/db
 *                                      SQLite, one PostgreSQL instance and two side by side
 *                                      (bench/lib/shared-store.ts; bench/results/shared-store.json)
 *
 * Writes bench/results/latest.json (bench/results/quick.json with --quick).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, platform, release, arch, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, sql } from 'kysely';
import { EventsProbe, type Drain } from './lib/activity-drain';
import { flowRequests, newFlowStats, probeFlow, type ClientTarget, type FlowStats } from './lib/flow';
import { runLoad, type LoadResult, type LoadSpec } from './lib/load';
import { summarizeProfile, type ProfileSummary } from './lib/profile';
import {
  clientCredentialsRequest,
  introspectionRequest,
  isActiveIntrospection,
  isResourceAnswer,
  isTokenResponse,
  refreshRequests,
  resourceRequest,
  type RefreshStats,
} from './lib/scenarios';
import { SqliteDialect } from '../src/main/store/sqlite-dialect';
import { crashStep, type CrashStep } from './lib/crash-step';
import { benchSecretVerify, type SecretVerifyResult } from './lib/secret-verify';
import { benchStoreRoundTrip, type StoreRoundTrip } from './lib/store-roundtrip';
import { ROOT, cpuTimeOf, mainThreadCpuTimeOf, machineBusyMs, memoryOf, primeServer, startServerProcess, type ServerKind, type ServerProcess } from './lib/servers';
import { benchTokenList, type TokenListResult } from './lib/token-list';
import { benchSharedStore } from './lib/shared-store';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'what-if': { type: 'boolean', default: false },
    'wait-quiet': { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false },
    'token-rows': { type: 'string' },
    'skip-token-list': { type: 'boolean', default: false },
    connections: { type: 'string', default: '10' },
    database: { type: 'string' },
  },
});

/**
 * The stores ours is measured on, a column each beside the in-memory engine.
 * One now: node:sqlite (the sqlite3 binding ran beside it until the numbers
 * decided, see the README's "The SQLite binding"). A driver behind
 * StoreDriver adds its name here and how its server is started.
 */
type StoreName = 'node-sqlite';
const STORES: StoreName[] = ['node-sqlite'];
/** How a store is named in the output. */
const STORE_LABEL: Record<StoreName, string> = { 'node-sqlite': 'node:sqlite' };

const QUICK = args.quick!;
const CONNECTIONS = Number(args.connections);
const SECONDS = QUICK ? 3 : 8;
const WARMUP_SECONDS = QUICK ? 1 : 2;
const COLD_STARTS = QUICK ? 1 : 3;
const TOKEN_ROWS = Number(args['token-rows'] ?? (QUICK ? 100_000 : 1_000_000));
const MAX_REQUESTS = { cc: 60_000, introspection: 150_000, resource: 150_000, flowRequests: 8 * 8_000, refresh: 60_000 };
const GOAL = 0.8;

const log = (line: string) => console.log(line);

/**
 * With --wait-quiet: waits until the machine's busy CPU (our servers are idle
 * between runs) stays under a quarter of a core for two half-second samples,
 * or 60 s passed. Returns the time waited.
 */
async function waitQuiet(): Promise<number> {
  if (!args['wait-quiet']) return 0;
  const t0 = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - t0 < 60_000) {
    const a = machineBusyMs();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineBusyMs();
    if (a === undefined || b === undefined) return 0;
    quiet = (b - a) / 500 < 0.25 ? quiet + 1 : 0;
  }
  const waited = performance.now() - t0;
  if (waited > 2000) log(`    (waited ${(waited / 1000).toFixed(0)} s for other processes to quieten)`);
  return waited;
}
const require = createRequire(import.meta.url);
const versionOf = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;

// ---------------------------------------------------------------------------------------------
// Measures

interface Measure {
  /** Successes per second: tokens, answers, flows or refreshes. */
  rate: number;
  /** Latency, ms: per request, or per whole flow for the flow scenario. */
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  serverCpu: number | undefined;
  /** Server CPU time per success, µs (all its threads, SQLite's included): steadier than rates on a busy machine. */
  cpuUsPerSuccess: number | undefined;
  /** Of that, the main thread's (where JavaScript and node:sqlite run), µs: a single-threaded server's ceiling is 1 s ÷ this. */
  mainThreadUsPerSuccess?: number | undefined;
  loaderCpu: number;
  otherCpu: number | undefined;
  failures?: string[];
  /** Ours only: the activity-log queue after the run. */
  activityLog?: Drain & { eventsPerSuccess: number };
  /** Flow only. */
  requestsPerFlow?: number;
}

type ScenarioId = 'client_credentials' | 'introspection' | 'resource_api' | 'authorization_code_flow' | 'refresh_rotation';

const SCENARIOS: Record<ScenarioId, { title: string; unit: string; goal?: number }> = {
  client_credentials: { title: 'Client-credentials issuance', unit: 'tokens/s', goal: GOAL },
  introspection: { title: 'Introspection of a valid token', unit: 'req/s', goal: GOAL },
  resource_api: { title: 'Resource API `GET /api/v1/me` (bearer)', unit: 'req/s' },
  authorization_code_flow: { title: 'Auth code + PKCE flow (sign-in + consent forms)', unit: 'flows/s' },
  refresh_rotation: { title: 'Refresh-token rotation (chained)', unit: 'refreshes/s' },
};

interface ColdStart {
  ms: number;
  rssMB: number;
}

interface ServerRun {
  kind: ServerKind;
  /** Ours: the store it ran on. */
  storeName?: StoreName;
  /** Ours: kill -9 during issuance, restart, introspect every token answered 200. */
  crash?: CrashStep;
  coldStart: { firstRun: ColdStart[]; restart: ColdStart[] };
  peakRssMB: number;
  rssAfterLoadMB: number;
  requestsPerFlow: number;
  scenarios: Partial<Record<ScenarioId, Measure>>;
}

function fromLoad(load: LoadResult, ok: number, failed: number, extra: Partial<Measure> = {}): Measure {
  return {
    rate: load.seconds > 0 ? ok / load.seconds : 0,
    p50: load.p50,
    p99: load.p99,
    ok,
    failed,
    seconds: load.seconds,
    requests: load.responses,
    requestsPerSecond: load.seconds > 0 ? load.responses / load.seconds : 0,
    serverCpu: load.serverCpu,
    cpuUsPerSuccess: load.serverCpuMs !== undefined && ok > 0 ? (load.serverCpuMs * 1000) / ok : undefined,
    loaderCpu: load.loaderCpu,
    otherCpu: load.otherCpu,
    ...extra,
  };
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const median = (values: number[]) => percentile(values, 50);
const mb = (bytes: number) => bytes / 1024 / 1024;

// ---------------------------------------------------------------------------------------------
// One server: cold starts, then every load scenario

async function startAll(kind: ServerKind): Promise<{ server: ServerProcess; coldStart: ServerRun['coldStart']; dataDir?: string; cleanup: string[] }> {
  const cleanup: string[] = [];
  const firstRun: ColdStart[] = [];
  const restart: ColdStart[] = [];
  const sample = (s: ServerProcess): ColdStart => ({ ms: s.startMs, rssMB: mb(s.rssAtStart) });
  if (kind === 'inmemory') {
    let server: ServerProcess | undefined;
    for (let i = 0; i < COLD_STARTS; i++) {
      if (server) await server.stop();
      server = await startServerProcess({ kind });
      firstRun.push(sample(server));
    }
    return { server: server!, coldStart: { firstRun, restart }, cleanup };
  }
  // Ours: first runs on fresh data folders (migrations, seed, key generation), then restarts.
  try {
    let keep: { dir: string; id: string; secret: string } | undefined;
    for (let i = 0; i < COLD_STARTS; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'oauth-console-bench-'));
      cleanup.push(dir);
      const s = await startServerProcess({ kind, dataDir: dir, consent: 'prompt', expectSecret: true });
      firstRun.push(sample(s));
      keep ??= { dir, id: s.clientId!, secret: s.clientSecret! };
      await s.stop();
    }
    let server: ServerProcess | undefined;
    for (let i = 0; i < COLD_STARTS; i++) {
      if (server) await server.stop();
      server = await startServerProcess({ kind, dataDir: keep!.dir, consent: 'prompt' });
      restart.push(sample(server));
    }
    server!.clientId = keep!.id;
    server!.clientSecret = keep!.secret;
    return { server: server!, coldStart: { firstRun, restart }, dataDir: keep!.dir, cleanup };
  } catch (err) {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

interface Side {
  kind: ServerKind;
  storeName: StoreName | undefined;
  dataDir: string | undefined;
  crash?: CrashStep;
  label: string;
  server: ServerProcess;
  target: ClientTarget;
  coldStart: ServerRun['coldStart'];
  events: EventsProbe | undefined;
  cleanup: string[];
  steps: number;
  accessToken: string;
  flows: FlowStats;
  scenarios: ServerRun['scenarios'];
}

async function prepareSide(kind: ServerKind, storeName?: StoreName): Promise<Side> {
  const label = kind === 'ours' ? `ours (${STORE_LABEL[storeName!]})` : 'oidc-provider in-memory';
  await primeServer(kind);
  const { server, coldStart, dataDir, cleanup } = await startAll(kind);
  log(`  ${label}: cold start ${coldStart.firstRun.map((c) => c.ms.toFixed(0)).join(', ')} ms${coldStart.restart.length ? ` (new data dir); restart ${coldStart.restart.map((c) => c.ms.toFixed(0)).join(', ')} ms` : ''}`);
  const target: ClientTarget = { origin: server.origin, clientId: server.clientId!, clientSecret: server.clientSecret! };
  const events = dataDir ? await EventsProbe.open(join(dataDir, 'oauth-console.sqlite')) : undefined;
  const probe = await probeFlow(target);
  return { kind, storeName, dataDir, label, server, target, coldStart, events, cleanup, steps: probe.steps, accessToken: probe.tokens.access_token, flows: newFlowStats(CONNECTIONS * 2), scenarios: {} };
}

async function warmUp(side: Side): Promise<void> {
  const base = { origin: side.server.origin, connections: CONNECTIONS, serverPid: side.server.pid, maxRequests: 100_000, maxSeconds: WARMUP_SECONDS };
  await runLoad({ ...base, request: clientCredentialsRequest(side.target), check: isTokenResponse });
  await runLoad({ ...base, requests: flowRequests(side.target, newFlowStats(), side.steps + 2) });
  await side.events?.drain();
}

/** One scenario against one server: the load, then (ours) the activity log catching up. */
async function measure(side: Side, id: ScenarioId): Promise<void> {
  const { target } = side;
  const base = { origin: side.server.origin, connections: CONNECTIONS, serverPid: side.server.pid, maxSeconds: SECONDS };
  let spec: LoadSpec;
  let judge: (load: LoadResult) => { ok: number; failed: number; failures: string[] } = (load) => ({ ok: load.ok, failed: load.failed, failures: load.sampleFailure ? [load.sampleFailure] : [] });
  let extra: () => Partial<Measure> = () => ({});
  if (id === 'introspection' || id === 'resource_api') {
    // A token issued just now: the in-memory adapter is an LRU of 1,000 entries, so a token from
    // before the client-credentials scenario is long evicted there (the success checks would say so).
    side.accessToken = (await probeFlow(target)).tokens.access_token;
  }
  switch (id) {
    case 'client_credentials':
      spec = { ...base, maxRequests: MAX_REQUESTS.cc, request: clientCredentialsRequest(target), check: isTokenResponse };
      break;
    case 'introspection':
      spec = { ...base, maxRequests: MAX_REQUESTS.introspection, request: introspectionRequest(target, side.accessToken), check: isActiveIntrospection };
      break;
    case 'resource_api':
      spec = { ...base, maxRequests: MAX_REQUESTS.resource, request: resourceRequest(side.accessToken), check: isResourceAnswer };
      break;
    case 'authorization_code_flow': {
      const flows = side.flows;
      spec = { ...base, maxRequests: MAX_REQUESTS.flowRequests, requests: flowRequests(target, flows, side.steps + 2) };
      judge = () => ({ ok: flows.ok, failed: flows.failed, failures: flows.failures });
      extra = () => ({ p50: percentile(flows.latencies, 50), p99: percentile(flows.latencies, 99), requestsPerFlow: side.steps });
      break;
    }
    case 'refresh_rotation': {
      const pool = side.flows.tokens.map((t) => t.refresh_token).filter((t): t is string => Boolean(t));
      if (pool.length < CONNECTIONS) throw new Error(`${side.label}: only ${pool.length} refresh tokens from the flow scenario`);
      const refresh: RefreshStats = { ok: 0, failed: 0, failures: [] };
      spec = { ...base, maxRequests: MAX_REQUESTS.refresh, requests: refreshRequests(target, pool, refresh) };
      judge = () => ({ ok: refresh.ok, failed: refresh.failed, failures: refresh.failures });
      break;
    }
  }
  await waitQuiet();
  const before = (await side.events?.count()) ?? 0;
  const cpuBefore = cpuTimeOf(side.server.pid);
  const mainBefore = mainThreadCpuTimeOf(side.server.pid);
  const load = await runLoad(spec);
  const verdict = judge(load);
  const m = fromLoad(load, verdict.ok, verdict.failed, { ...(verdict.failures.length ? { failures: verdict.failures } : {}), ...extra() });
  if (side.events) {
    const drain = await side.events.drain();
    m.activityLog = { ...drain, eventsPerSuccess: verdict.ok ? (drain.final - before) / verdict.ok : 0 };
  }
  // CPU per success includes the activity log catching up: work the requests caused.
  const cpuAfter = cpuTimeOf(side.server.pid);
  if (cpuBefore !== undefined && cpuAfter !== undefined && verdict.ok > 0) m.cpuUsPerSuccess = ((cpuAfter - cpuBefore) * 1000) / verdict.ok;
  const mainAfter = mainThreadCpuTimeOf(side.server.pid);
  if (mainBefore !== undefined && mainAfter !== undefined && verdict.ok > 0) m.mainThreadUsPerSuccess = ((mainAfter - mainBefore) * 1000) / verdict.ok;
  side.scenarios[id] = m;
  const backlog = m.activityLog && m.activityLog.final > m.activityLog.atEnd ? `; activity log ${fmt(m.activityLog.final - m.activityLog.atEnd)} rows behind, ${(m.activityLog.drainMs / 1000).toFixed(1)} s to catch up` : '';
  const other = (m.otherCpu ?? 0) > 0.2 ? `; other processes used ${(m.otherCpu! * 100).toFixed(0)}% of a core` : '';
  log(`  ${side.label.padEnd(24)} ${fmt(m.rate, 1).padStart(8)} ${SCENARIOS[id].unit}, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, ${m.failed} failed, server CPU ${((m.serverCpu ?? 0) * 100).toFixed(0)}%${backlog}${other}`);
  if (m.failures?.length) log(`    e.g. ${m.failures[0]}`);
}

/**
 * Every server stays up (ours on each store, and the in-memory engine);
 * each scenario runs against one after the other, rotating which goes
 * first, so background load on a shared machine hits every side of a ratio
 * alike. Then the crash step on each of ours.
 */
async function benchServers(): Promise<{ ours: Partial<Record<StoreName, ServerRun>>; theirs: ServerRun }> {
  log('\n== cold starts');
  const sides: Side[] = [];
  try {
    for (const storeName of STORES) sides.push(await prepareSide('ours', storeName));
    sides.push(await prepareSide('inmemory'));
    log('== warm-up (not recorded)');
    for (const side of sides) await warmUp(side);
    const ids = Object.keys(SCENARIOS) as ScenarioId[];
    for (const [i, id] of ids.entries()) {
      log(`\n== ${SCENARIOS[id].title}`);
      for (let k = 0; k < sides.length; k++) await measure(sides[(i + k) % sides.length]!, id);
    }
    const runs = new Map<Side, ServerRun>();
    for (const side of sides) {
      const memory = memoryOf(side.server.pid);
      runs.set(side, { kind: side.kind, ...(side.storeName ? { storeName: side.storeName } : {}), coldStart: side.coldStart, peakRssMB: mb(memory.hwm), rssAfterLoadMB: mb(memory.rss), requestsPerFlow: side.steps, scenarios: side.scenarios });
    }
    log('\n== crash step: kill -9 during client-credentials issuance, restart on the same file, introspect every token answered 200');
    for (const side of sides) {
      if (side.kind !== 'ours') continue;
      await waitQuiet();
      const { result, server } = await crashStep(side.server, side.target, { kind: 'ours', dataDir: side.dataDir!, consent: 'prompt' }, CONNECTIONS);
      side.server = server;
      runs.get(side)!.crash = result;
      log(`  ${side.label.padEnd(24)} killed after ${fmt(result.killedAfterMs)} ms: ${fmt(result.answered200)} tokens answered 200, ${fmt(result.activeAfterRestart)} active after the restart (${fmt(result.restartMs)} ms) ${result.lost === 0 ? '✅' : `❌ ${fmt(result.lost)} lost`}`);
    }
    const ours: Partial<Record<StoreName, ServerRun>> = {};
    for (const side of sides) if (side.storeName) ours[side.storeName] = runs.get(side)!;
    return { ours, theirs: runs.get(sides.at(-1)!)! };
  } finally {
    for (const side of sides) {
      await side.events?.close();
      await side.server.stop();
      for (const dir of side.cleanup) await rm(dir, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Profile mode: our server only, one process per scenario with --cpu-prof and SQL counts

async function profileRun(): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), 'oauth-console-bench-profile-'));
  const dataDir = join(outDir, 'data');
  await mkdir(dataDir);
  const storeName = STORES[0]!;
  log(`\n== profiles of ours on ${STORE_LABEL[storeName]}`);
  const first = await startServerProcess({ kind: 'ours', dataDir, consent: 'prompt', expectSecret: true });
  const target: ClientTarget = { origin: '', clientId: first.clientId!, clientSecret: first.clientSecret! };
  await first.stop();
  const summaries: Record<string, { requests: number; successes: number; perSecond: number; profile: ProfileSummary; sqlPerSuccess: Record<string, number> }> = {};
  const ids: ScenarioId[] = ['client_credentials', 'introspection', 'resource_api', 'authorization_code_flow', 'refresh_rotation'];
  for (const id of ids) {
    const profDir = join(outDir, id);
    const countFile = join(outDir, `${id}.sql.json`);
    process.env.BENCH_QUERY_COUNT_FILE = countFile;
    const server = await startServerProcess({ kind: 'ours', dataDir, consent: 'prompt', nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', './bench/lib/query-counter.ts'] });
    const t = { ...target, origin: server.origin };
    const base = { origin: server.origin, connections: CONNECTIONS, serverPid: server.pid, maxSeconds: SECONDS };
    const probe = await probeFlow(t);
    await runLoad({ ...base, maxSeconds: WARMUP_SECONDS, maxRequests: 100_000, request: clientCredentialsRequest(t), check: isTokenResponse });
    const flows = newFlowStats(CONNECTIONS * 2);
    if (id === 'refresh_rotation') await runLoad({ ...base, maxSeconds: 2, maxRequests: 100_000, requests: flowRequests(t, flows, probe.steps + 2) });
    const pool = flows.tokens.map((x) => x.refresh_token!).filter(Boolean);
    const refresh: RefreshStats = { ok: 0, failed: 0, failures: [] };
    const mainFlows = newFlowStats();
    const idle = await EventsProbe.open(join(dataDir, 'oauth-console.sqlite'));
    await idle.drain(); // let the warm-up's activity-log backlog land first
    await waitQuiet();
    server.child.kill('SIGUSR2'); // open the measured window
    await new Promise((r) => setTimeout(r, 50));
    const spec: Record<ScenarioId, () => Promise<LoadResult>> = {
      client_credentials: () => runLoad({ ...base, maxRequests: MAX_REQUESTS.cc, request: clientCredentialsRequest(t), check: isTokenResponse }),
      introspection: () => runLoad({ ...base, maxRequests: MAX_REQUESTS.introspection, request: introspectionRequest(t, probe.tokens.access_token), check: isActiveIntrospection }),
      resource_api: () => runLoad({ ...base, maxRequests: MAX_REQUESTS.resource, request: resourceRequest(probe.tokens.access_token), check: isResourceAnswer }),
      authorization_code_flow: () => runLoad({ ...base, maxRequests: MAX_REQUESTS.flowRequests, requests: flowRequests(t, mainFlows, probe.steps + 2) }),
      refresh_rotation: () => runLoad({ ...base, maxRequests: MAX_REQUESTS.refresh, requests: refreshRequests(t, pool, refresh) }),
    };
    const load = await spec[id]();
    const successes = id === 'authorization_code_flow' ? mainFlows.ok : id === 'refresh_rotation' ? refresh.ok : load.ok;
    await idle.drain();
    await idle.close();
    server.child.kill('SIGUSR2'); // close it: load plus the activity log catching up
    await new Promise((r) => setTimeout(r, 50));
    await server.stop();
    const prof = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    const { counts, window } = JSON.parse(await readFile(countFile, 'utf8')) as { counts: Record<string, number>; window: { start?: number; end?: number } };
    const sqlPerSuccess = Object.fromEntries(Object.entries(counts).map(([q, n]) => [q, Math.round((n / Math.max(successes, 1)) * 100) / 100]));
    const profile = summarizeProfile(join(profDir, prof!), 15, window);
    summaries[id] = { requests: load.responses, successes, perSecond: successes / load.seconds, profile, sqlPerSuccess };
    log(`\n== profile: ${SCENARIOS[id].title} — ${(successes / load.seconds).toFixed(0)} ${SCENARIOS[id].unit} under the profiler`);
    log('  main-thread self time by area:');
    for (const a of profile.areas.slice(0, 12)) log(`    ${(a.share * 100).toFixed(1).padStart(5)}%  ${a.area}`);
    log('  hottest functions:');
    for (const f of profile.functions.slice(0, 10)) log(`    ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}  ${f.where}`);
    const total = Object.values(sqlPerSuccess).reduce((a, b) => a + b, 0);
    const control = Object.entries(sqlPerSuccess)
      .filter(([q]) => /^(begin|commit|rollback|savepoint|release)\b/.test(q))
      .reduce((a, [, n]) => a + n, 0);
    log(`  SQL statements per success: ${total.toFixed(1)} (${(total - control).toFixed(1)} without begin/commit/savepoints)`);
    for (const [q, n] of Object.entries(sqlPerSuccess).slice(0, 12)) log(`    ${n.toFixed(2).padStart(6)}  ${q.slice(0, 150)}`);
  }
  const whatIf = await whatIfRuns();
  const file = join(ROOT, 'bench', 'results', 'profile.json');
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: cpus().length, source: sourceRevision(), store: storeName, profiles: outDir, scenarios: summaries, whatIf }, null, 2)}\n`);
  log(`\nprofiles in ${outDir}; summary in bench/results/profile.json`);
}

/**
 * Estimates of two proposed core changes, emulated by bench/lib/what-if.ts
 * (no profiler): our server as it is, with the client lookup served from
 * memory, and with that plus no per-event inserts. All three run side by
 * side (own data folders) and take turns per scenario, like the main run.
 */
async function whatIfRuns(): Promise<Record<string, Record<string, number>>> {
  const variants: Array<[name: string, modes: string]> = [
    ['as is', ''],
    ['client cache', 'client-cache'],
    ['client cache + batched activity log', 'client-cache,no-events'],
  ];
  log(`\n== what-if on ${STORE_LABEL[STORES[0]!]} (emulated in bench/lib/what-if.ts; no profiler)`);
  interface Variant {
    name: string;
    server: ServerProcess;
    target: ClientTarget;
    events: EventsProbe;
    dir: string;
    probe: Awaited<ReturnType<typeof probeFlow>>;
    flows: FlowStats;
    rates: Record<string, number>;
  }
  const running: Variant[] = [];
  try {
    for (const [name, modes] of variants) {
      const dir = await mkdtemp(join(tmpdir(), 'oauth-console-bench-whatif-'));
      process.env.BENCH_WHATIF = modes;
      const server = await startServerProcess({ kind: 'ours', dataDir: dir, consent: 'prompt', expectSecret: true, nodeFlags: ['--import', './bench/lib/what-if.ts'] });
      delete process.env.BENCH_WHATIF;
      const target = { origin: server.origin, clientId: server.clientId!, clientSecret: server.clientSecret! };
      const events = await EventsProbe.open(join(dir, 'oauth-console.sqlite'));
      running.push({ name, server, target, events, dir, probe: await probeFlow(target), flows: newFlowStats(CONNECTIONS * 2), rates: {} });
    }
    for (const v of running) {
      await runLoad({ origin: v.server.origin, connections: CONNECTIONS, maxSeconds: WARMUP_SECONDS, maxRequests: 100_000, request: clientCredentialsRequest(v.target), check: isTokenResponse });
      await v.events.drain();
    }
    const ids: ScenarioId[] = ['client_credentials', 'introspection', 'authorization_code_flow', 'refresh_rotation'];
    for (const [i, id] of ids.entries()) {
      for (let k = 0; k < running.length; k++) {
        const v = running[(i + k) % running.length]!;
        const base = { origin: v.server.origin, connections: CONNECTIONS, serverPid: v.server.pid, maxSeconds: SECONDS };
        await waitQuiet();
        const cpuBefore = cpuTimeOf(v.server.pid);
        let load: LoadResult;
        let ok: number;
        if (id === 'client_credentials') {
          load = await runLoad({ ...base, maxRequests: MAX_REQUESTS.cc, request: clientCredentialsRequest(v.target), check: isTokenResponse });
          ok = load.ok;
        } else if (id === 'introspection') {
          load = await runLoad({ ...base, maxRequests: MAX_REQUESTS.introspection, request: introspectionRequest(v.target, v.probe.tokens.access_token), check: isActiveIntrospection });
          ok = load.ok;
        } else if (id === 'authorization_code_flow') {
          load = await runLoad({ ...base, maxRequests: MAX_REQUESTS.flowRequests, requests: flowRequests(v.target, v.flows, v.probe.steps + 2) });
          ok = v.flows.ok;
        } else {
          const pool = v.flows.tokens.map((x) => x.refresh_token!).filter(Boolean);
          const refresh: RefreshStats = { ok: 0, failed: 0, failures: [] };
          load = await runLoad({ ...base, maxRequests: MAX_REQUESTS.refresh, requests: refreshRequests(v.target, pool, refresh) });
          ok = refresh.ok;
        }
        const drain = await v.events.drain();
        // CPU per success counts the activity log's catch-up too: it is work the request caused.
        const cpuAfter = cpuTimeOf(v.server.pid);
        v.rates[id] = ok / load.seconds;
        v.rates[`${id}_with_catch_up`] = ok / (load.seconds + drain.drainMs / 1000);
        if (cpuBefore !== undefined && cpuAfter !== undefined && ok) v.rates[`${id}_cpu_us_per_success`] = ((cpuAfter - cpuBefore) * 1000) / ok;
        log(`  ${SCENARIOS[id].title.padEnd(48)} ${v.name.padEnd(36)} ${fmt(ok / load.seconds, 1).padStart(8)} ${SCENARIOS[id].unit}, ${fmt(v.rates[`${id}_cpu_us_per_success`] ?? 0)} µs CPU per success; other processes ${((load.otherCpu ?? 0) * 100).toFixed(0)}% of a core`);
      }
    }
    return Object.fromEntries(running.map((v) => [v.name, v.rates]));
  } finally {
    for (const v of running) {
      await v.events.close();
      await v.server.stop();
      await rm(v.dir, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const rateText = (m: Measure | undefined, unit: string) => (m ? `${fmt(m.rate, m.rate < 100 ? 1 : 0)} ${unit} · p50 ${fmt(m.p50, m.p50 < 10 ? 1 : 0)} ms · p99 ${fmt(m.p99, m.p99 < 10 ? 1 : 0)} ms` : 'n/a');

/** One table row: the scenario, then a cell per column of {@link columnsOf}. */
type Row = string[];

/** The columns: each store's figure, the in-memory engine's, each store's ratio to it, the goal. */
function columnsOf(names: StoreName[]): string[] {
  return [
    'Scenario',
    ...names.map((b) => `Ours on ${STORE_LABEL[b]} (durable)`),
    'oidc-provider, in-memory adapter',
    ...names.map((b) => `${STORE_LABEL[b]} ÷ in-memory`),
    'Goal',
  ];
}

function buildRows(ours: Partial<Record<StoreName, ServerRun>>, theirs: ServerRun, secret: SecretVerifyResult, tokenList: TokenListResult | undefined): Row[] {
  const names = STORES.filter((b) => ours[b]);
  const runs = names.map((b) => ours[b]!);
  const rows: Row[] = [];
  const broken = (m: Measure | undefined) => !m || m.failed > 0.01 * (m.ok + m.failed);
  for (const [id, def] of Object.entries(SCENARIOS) as Array<[ScenarioId, (typeof SCENARIOS)[ScenarioId]]>) {
    const b = theirs.scenarios[id];
    const ratios = runs.map((run) => {
      const a = run.scenarios[id];
      return a && b && b.rate > 0 && !broken(a) && !broken(b) ? a.rate / b.rate : undefined;
    });
    const first = ratios[0];
    rows.push([
      def.title,
      ...runs.map((run) => rateText(run.scenarios[id], def.unit)),
      rateText(b, def.unit),
      ...ratios.map((ratio, i) => (ratio === undefined ? (broken(runs[i]!.scenarios[id]) || broken(b) ? 'n/a (failed requests, see details)' : 'n/a') : `${ratio.toFixed(2)}x`)),
      def.goal ? `≥ ${def.goal}x ${first !== undefined && first >= def.goal ? '✅' : '❌'}` : '',
    ]);
  }
  const theirsStart = median(theirs.coldStart.firstRun.map((c) => c.ms));
  const bigDb = tokenList?.serverStartMs !== undefined ? `; with ${fmt(tokenList.rows)} tokens stored: ${fmt(tokenList.serverStartMs)} ms` : '';
  rows.push([
    'Cold start to first answered request',
    ...runs.map((run, i) => `${fmt(median(run.coldStart.restart.map((c) => c.ms)))} ms (new data dir: ${fmt(median(run.coldStart.firstRun.map((c) => c.ms)))} ms${i === 0 ? bigDb : ''})`),
    `${fmt(theirsStart)} ms`,
    ...runs.map((run) => `${(median(run.coldStart.restart.map((c) => c.ms)) / theirsStart).toFixed(2)}x (lower is better)`),
    '',
  ]);
  const theirsRss = median(theirs.coldStart.firstRun.map((c) => c.rssMB));
  rows.push([
    'Resident memory: after start / peak under load',
    ...runs.map((run) => `${fmt(median(run.coldStart.restart.map((c) => c.rssMB)))} MB / ${fmt(run.peakRssMB)} MB`),
    `${fmt(theirsRss)} MB / ${fmt(theirs.peakRssMB)} MB`,
    ...runs.map((run) => `${(median(run.coldStart.restart.map((c) => c.rssMB)) / theirsRss).toFixed(2)}x / ${(run.peakRssMB / theirs.peakRssMB).toFixed(2)}x (lower is better)`),
    '',
  ]);
  rows.push([
    'Crash step: kill -9 during issuance, restart, introspect every token answered 200',
    ...runs.map((run) => (run.crash ? `${fmt(run.crash.activeAfterRestart)} of ${fmt(run.crash.answered200)} active` : 'n/a')),
    'n/a (in memory)',
    ...runs.map(() => ''),
    `all active ${runs.every((run) => run.crash && run.crash.lost === 0) ? '✅' : '❌'}`,
  ]);
  const blank = (n: number) => Array.from({ length: n }, () => '');
  if (tokenList) {
    const q = (name: string) => tokenList.queries.find((x) => x.name === name);
    const first = q('first page');
    const filtered = q('filtered page');
    rows.push([
      `Token list, ${fmt(tokenList.rows)} tokens: first page / filtered page (${STORE_LABEL[STORES[0]!]})`,
      `${fmt(first?.medianMs ?? 0, 1)} ms / ${fmt(filtered?.medianMs ?? 0, 1)} ms (50 rows; DB file ${fmt(tokenList.databaseBytes / 1e6)} MB)`,
      ...blank(runs.length - 1),
      'n/a (no listing)',
      ...blank(runs.length + 1),
    ]);
  }
  rows.push([
    'Hashed client-secret check (`verifySecret`)',
    `${fmt(secret.usPerCall, 2)} µs per call (${fmt(secret.calls)} calls)`,
    ...blank(runs.length - 1),
    'plain compare',
    ...blank(runs.length),
    `µs, not ms ${secret.usPerCall < 100 ? '✅' : '❌'}`,
  ]);
  return rows;
}

function markdownTable(header: Row, rows: Row[]): string {
  const all = [header, ...rows];
  const width = header.map((_, k) => Math.max(...all.map((r) => [...(r[k] ?? '')].length)));
  const line = (r: Row) => `| ${header.map((_, k) => (r[k] ?? '') + ' '.repeat(width[k]! - [...(r[k] ?? '')].length)).join(' | ')} |`;
  return [line(header), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function detailTable(ours: Partial<Record<StoreName, ServerRun>>, theirs: ServerRun, stores: Array<StoreRoundTrip & { store: StoreName }>): string {
  const lines = [
    '| Scenario | Ours on | Server CPU per success (ours / in-memory = ratio) | of which the main thread (ours / in-memory) | Server CPU, cores | Load generator CPU | Other processes | Requests | Failed | Ours: activity-log rows still queued when the load stopped → time to catch up |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${Math.round(x * 100)}%`);
  for (const [id, def] of Object.entries(SCENARIOS) as Array<[ScenarioId, (typeof SCENARIOS)[ScenarioId]]>) {
    for (const storeName of STORES) {
      const a = ours[storeName]?.scenarios[id];
      const b = theirs.scenarios[id];
      if (!a || !b) continue;
      const lag = a.activityLog ? `${fmt(a.activityLog.final - a.activityLog.atEnd)} rows → ${(a.activityLog.drainMs / 1000).toFixed(1)} s (${a.activityLog.eventsPerSuccess.toFixed(1)} rows per success)` : 'n/a';
      const time = (x: number | undefined) => (x === undefined ? 'n/a' : x >= 10_000 ? `${fmt(x / 1000, 1)} ms` : `${fmt(x)} µs`);
      const us = (m: Measure) => time(m.cpuUsPerSuccess);
      const cpuRatio = a.cpuUsPerSuccess && b.cpuUsPerSuccess ? ` = ${(a.cpuUsPerSuccess / b.cpuUsPerSuccess).toFixed(1)}x` : '';
      lines.push(`| ${def.title} | ${STORE_LABEL[storeName]} | ${us(a)} / ${us(b)}${cpuRatio} | ${time(a.mainThreadUsPerSuccess)} / ${time(b.mainThreadUsPerSuccess)} | ${pct(a.serverCpu)} / ${pct(b.serverCpu)} | ${pct(a.loaderCpu)} / ${pct(b.loaderCpu)} | ${pct(a.otherCpu)} / ${pct(b.otherCpu)} | ${fmt(a.requests)} / ${fmt(b.requests)} | ${a.failed} / ${b.failed} | ${lag} |`);
    }
  }
  lines.push('');
  for (const store of stores) {
    lines.push(
      `One SQL statement (the engine's client lookup, \`select * from apps where id = ?\`) through Kysely and our driver on ${STORE_LABEL[store.store]}: ${fmt(store.kyselySequentialUs)} µs one caller at a time; ` +
        `10 concurrent callers: ${fmt(store.kyselyConcurrentPerSecond)} statements/s in all, because the driver's single connection serialises them. ` +
        `(The statement through node:sqlite alone: ${fmt(store.rawSequentialUs, 1)} µs.)`,
      '',
    );
  }
  const crashes = STORES.filter((b) => ours[b]?.crash);
  if (crashes.length) {
    lines.push(
      'Crash step (SIGKILL during client-credentials issuance, restart on the same file, introspect every token the load generator got in a 200 answer): ' +
        crashes.map((b) => { const c = ours[b]!.crash!; return `${STORE_LABEL[b]}: killed after ${fmt(c.killedAfterMs)} ms, ${fmt(c.answered200)} answered 200, ${fmt(c.activeAfterRestart)} active after a ${fmt(c.restartMs)} ms restart`; }).join('; ') + '.',
    );
  }
  return lines.join('\n');
}

/** `--database`: SQLite, one and two PostgreSQL instances side by side (bench/lib/shared-store.ts). */
async function sharedStoreRun(databaseUrl: string, meta: Record<string, unknown>): Promise<void> {
  const result = await benchSharedStore({ databaseUrl, connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, log });
  log(`\n${result.table}\n`);
  const out = join(ROOT, 'bench', 'results', 'shared-store.json');
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(out, `${JSON.stringify({ meta: { ...meta, database: databaseUrl.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@') }, ...result }, null, 2)}\n`);
  log(`wrote ${out.slice(ROOT.length + 1)}`);
  if (!args.readme) return;
  const file = join(ROOT, 'README.md');
  const text = await readFile(file, 'utf8');
  const [begin, end] = ['<!-- bench-shared:begin -->', '<!-- bench-shared:end -->'];
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no <!-- bench-shared:begin --> … <!-- bench-shared:end --> block');
  const body = `${begin}\n_${meta.date}, commit ${meta.source}, ${meta.cores} cores (${meta.cpu}), Node ${meta.node}, ≤ ${SECONDS} s per scenario; the PostgreSQL server on the same machine._\n\n${result.table}\n${end}`;
  await writeFile(file, text.slice(0, a) + body + text.slice(b + end.length));
  log('updated the shared-store table in README.md');
}

async function updateReadme(table: string, details: string, meta: Record<string, unknown>): Promise<void> {
  const file = join(ROOT, 'README.md');
  const text = await readFile(file, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no <!-- bench:begin --> … <!-- bench:end --> block');
  const body = `${begin}\n_${meta.date}, commit ${meta.source}, ${meta.cores} cores (${meta.cpu}), Node ${meta.node}, oidc-provider ${meta.oidcProvider}, ${CONNECTIONS} connections, ≤ ${SECONDS} s per scenario._\n\n${table}\n\n<details><summary>Sanity details</summary>\n\n${details}\n\n</details>\n${end}`;
  await writeFile(file, text.slice(0, a) + body + text.slice(b + end.length));
}

// ---------------------------------------------------------------------------------------------

/** The SQLite library version node:sqlite carries. */
async function sqliteVersion(): Promise<string> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect(':memory:') });
  try {
    return (await sql<{ v: string }>`select sqlite_version() as v`.execute(db)).rows[0]!.v;
  } finally {
    await db.destroy();
  }
}

/** The machine's load averages (`uptime`'s): other engineers share it, so say it with every figure. */
function loadAverage(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores`;
}

/** The commit measured (BENCH_SOURCE_COMMIT when running from a snapshot), "+changes" if src/ has local edits. */
function sourceRevision(): string {
  if (process.env.BENCH_SOURCE_COMMIT) return process.env.BENCH_SOURCE_COMMIT;
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const meta: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    platform: `${platform()} ${release()} ${arch()}`,
    totalMemoryGB: Math.round(totalmem() / 1e9),
    freeMemoryGB: Math.round(freemem() / 1e9),
    oidcProvider: versionOf('oidc-provider'),
    autocannon: versionOf('autocannon'),
    sqlite: Object.fromEntries(await Promise.all(STORES.map(async (b) => [b, await sqliteVersion()]))),
    source: sourceRevision(),
    quick: QUICK,
    waitQuiet: args['wait-quiet'],
    connections: CONNECTIONS,
    secondsPerScenario: SECONDS,
  };
  const sqliteText = STORES.map((b) => `${STORE_LABEL[b]} (SQLite ${(meta.sqlite as Record<string, string>)[b]})`).join(', ');
  log(`OAuth Console benchmark — ${meta.cores} cores, Node ${meta.node}, oidc-provider ${meta.oidcProvider}, ours on ${sqliteText}${QUICK ? ' (quick)' : ''}; ${loadAverage()}`);
  const busy0 = machineBusyMs();
  await new Promise((r) => setTimeout(r, 1000));
  const busy1 = machineBusyMs();
  const backgroundCores = busy0 !== undefined && busy1 !== undefined ? (busy1 - busy0) / 1000 : undefined;
  Object.assign(meta, { backgroundCoresAtStart: backgroundCores });
  if (backgroundCores !== undefined && backgroundCores > 0.25) {
    log(`warning: other processes are using ${(backgroundCores * 100).toFixed(0)}% of a core right now; absolute numbers will be low and noisy (the ratios less so: both servers take turns under the same conditions)`);
  }
  if (args.profile) return profileRun();
  if (args.database) return sharedStoreRun(args.database, meta);
  if (args['what-if']) {
    const whatIf = await whatIfRuns();
    await writeFile(join(ROOT, 'bench', 'results', 'what-if.json'), `${JSON.stringify({ meta, whatIf }, null, 2)}\n`);
    return;
  }

  const secret = benchSecretVerify();
  log(`verifySecret: ${secret.usPerCall.toFixed(2)} µs per call (${fmt(secret.calls)} calls)`);
  const stores: Array<StoreRoundTrip & { store: StoreName }> = [];
  for (const storeName of STORES) {
    const store = { store: storeName, ...(await benchStoreRoundTrip()) };
    stores.push(store);
    log(`one SQL statement via Kysely + our driver on ${STORE_LABEL[storeName]}: ${store.kyselySequentialUs.toFixed(0)} µs; 10 callers: ${fmt(store.kyselyConcurrentPerSecond)} statements/s`);
  }
  const { ours, theirs } = await benchServers();
  let tokenList: TokenListResult | undefined;
  if (!args['skip-token-list']) {
    log(`\n== token list, ${fmt(TOKEN_ROWS)} rows`);
    tokenList = await benchTokenList(TOKEN_ROWS, log);
    log(`  using ${tokenList.implementation}; database file ${fmt(tokenList.databaseBytes / 1e6)} MB`);
  }

  const rows = buildRows(ours, theirs, secret, tokenList);
  const table = markdownTable(columnsOf(STORES.filter((b) => ours[b])), rows);
  const details = detailTable(ours, theirs, stores);
  Object.assign(meta, { loadAtEnd: loadAverage() });
  log(`\n${table}\n\n${details}\n\n${meta.loadAtEnd as string}\n`);

  const ratiosOf = (run: ServerRun | undefined) =>
    Object.fromEntries(
      (Object.keys(SCENARIOS) as ScenarioId[]).map((id) => {
        const a = run?.scenarios[id]?.rate;
        const b = theirs.scenarios[id]?.rate;
        return [id, a !== undefined && b ? a / b : null];
      }),
    );
  const byBinding = Object.fromEntries(STORES.map((b) => [b, ratiosOf(ours[b])]));
  // `ours`, `ratios` and `goal` are the first store's (the default); `drivers` has each.
  const ratios = byBinding[STORES[0]!]!;
  const result = {
    meta: { ...meta, totalSeconds: Math.round((performance.now() - t0) / 1000) },
    goal: { ratio: GOAL, clientCredentialsMet: (ratios.client_credentials ?? 0) >= GOAL, introspectionMet: (ratios.introspection ?? 0) >= GOAL, secretCheckMicroseconds: secret.usPerCall < 100 },
    ratios,
    ratiosByDriver: byBinding,
    secretVerify: secret,
    storeRoundTrip: stores,
    ours: ours[STORES[0]!],
    drivers: ours,
    crash: Object.fromEntries(STORES.map((b) => [b, ours[b]?.crash])),
    inmemory: theirs,
    tokenList,
    table: rows,
  };
  const out = join(ROOT, 'bench', 'results', QUICK ? 'quick.json' : 'latest.json');
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out.slice(ROOT.length + 1)} in ${result.meta.totalSeconds} s total`);
  if (args.readme) {
    await updateReadme(table, details, meta);
    log('updated the Benchmark table in README.md');
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
