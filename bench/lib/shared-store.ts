/**
 * `npm run bench -- --database postgres://…`: the same scenarios (client
 * credentials, introspection, authorization-code flows) against SQLite (one
 * instance), one instance on PostgreSQL, and two instances on one
 * PostgreSQL database, side by side in one run. Two instances share the
 * load: each gets half the connections, all at once, and their successes
 * add up (a load balancer in front would do the same split).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { flowRequests, newFlowStats, probeFlow, type ClientTarget, type FlowStats } from './flow';
import { runLoad, type LoadResult, type LoadSpec } from './load';
import { clientCredentialsRequest, introspectionRequest, isActiveIntrospection, isTokenResponse } from './scenarios';
import { primeServer, startServerProcess, type ServerProcess } from './servers';

export const SHARED_SCENARIOS = {
  client_credentials: { title: 'client-credentials issuance', unit: 'tokens/s' },
  introspection: { title: 'introspection', unit: 'calls/s' },
  authorization_code_flow: { title: 'authorization-code flows', unit: 'flows/s' },
} as const;
type ScenarioId = keyof typeof SHARED_SCENARIOS;

export interface SharedStoreOptions {
  /** A PostgreSQL server to create two throwaway databases on (the user needs CREATEDB). */
  databaseUrl: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  log: (line: string) => void;
}

interface SetupResult {
  label: string;
  instances: number;
  scenarios: Partial<Record<ScenarioId, { rate: number; p50: number; p99: number; failed: number }>>;
}

export interface SharedStoreResult {
  setups: SetupResult[];
  table: string;
}

interface Setup {
  label: string;
  servers: ServerProcess[];
  targets: ClientTarget[];
  steps: number;
  result: SetupResult;
}

/** A throwaway database on the given server; dropped (forced) at the end. */
async function throwawayDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `oc_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } catch (err) {
    throw new Error(`the bench makes its own databases on ${new URL(url).host}: ${(err as Error).message} (the user needs CREATEDB)`);
  } finally {
    await admin.end();
  }
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      try {
        await again.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await again.end();
      }
    },
  };
}

export async function benchSharedStore(options: SharedStoreOptions): Promise<SharedStoreResult> {
  const { log } = options;
  const cleanup: Array<() => Promise<unknown>> = [];
  const setups: Setup[] = [];
  const masterKey = randomBytes(32).toString('base64');
  const start = async (database: string | undefined, expectSecret: boolean) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oauth-console-bench-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await startServerProcess({
      kind: 'ours',
      dataDir,
      consent: 'prompt',
      expectSecret,
      ...(database ? { extraArgs: ['--database', database, '--no-rate-limit'], env: { OAUTH_CONSOLE_MASTER_KEY: masterKey } } : { extraArgs: ['--no-rate-limit'] }),
    });
    cleanup.push(() => server.stop());
    return server;
  };
  const setup = async (label: string, servers: ServerProcess[]) => {
    const first = servers[0]!;
    const targets = servers.map((s) => ({ origin: s.origin, clientId: first.clientId!, clientSecret: first.clientSecret! }));
    const probe = await probeFlow(targets[0]!);
    for (const target of targets.slice(1)) await probeFlow(target);
    setups.push({ label, servers, targets, steps: probe.steps, result: { label, instances: servers.length, scenarios: {} } });
    log(`  ${label}: ${servers.map((s) => s.origin).join(', ')}`);
  };
  try {
    await primeServer('ours');
    log('\n== shared store: starting SQLite, one PostgreSQL instance, two PostgreSQL instances');
    await setup('SQLite, 1 instance', [await start(undefined, true)]);
    const one = await throwawayDatabase(options.databaseUrl);
    cleanup.push(() => one.drop());
    await setup('PostgreSQL, 1 instance', [await start(one.url, true)]);
    const two = await throwawayDatabase(options.databaseUrl);
    cleanup.push(() => two.drop());
    const firstOfTwo = await start(two.url, true);
    await setup('PostgreSQL, 2 instances', [firstOfTwo, await start(two.url, false)]);
    for (const s of setups) await loadSetup(s, 'client_credentials', options, options.warmupSeconds);
    for (const id of Object.keys(SHARED_SCENARIOS) as ScenarioId[]) {
      log(`\n== ${SHARED_SCENARIOS[id].title}`);
      for (const s of setups) {
        const m = await loadSetup(s, id, options, options.seconds);
        s.result.scenarios[id] = m;
        log(`  ${s.label.padEnd(26)} ${m.rate.toFixed(1).padStart(8)} ${SHARED_SCENARIOS[id].unit}, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, ${m.failed} failed`);
      }
    }
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
  const results = setups.map((s) => s.result);
  return { setups: results, table: sharedStoreTable(results, options.connections) };
}

/** One scenario on one setup: the connections split over its instances, all at once; successes add up. */
async function loadSetup(s: Setup, id: ScenarioId, options: SharedStoreOptions, seconds: number): Promise<{ rate: number; p50: number; p99: number; failed: number }> {
  const connections = Math.max(1, Math.round(options.connections / s.targets.length));
  const flows: FlowStats[] = [];
  const specs: LoadSpec[] = [];
  for (const [i, target] of s.targets.entries()) {
    const base = { origin: target.origin, connections, maxSeconds: seconds, serverPid: s.servers[i]!.pid };
    if (id === 'client_credentials') specs.push({ ...base, maxRequests: 200_000, request: clientCredentialsRequest(target), check: isTokenResponse });
    else if (id === 'introspection') {
      // A token issued on the other instance where there are two: introspection reads the shared store.
      const token = (await probeFlow(s.targets[(i + 1) % s.targets.length]!)).tokens.access_token;
      specs.push({ ...base, maxRequests: 400_000, request: introspectionRequest(target, token), check: isActiveIntrospection });
    } else {
      const stats = newFlowStats();
      flows.push(stats);
      specs.push({ ...base, maxRequests: 200_000, requests: flowRequests(target, stats, s.steps + 2) });
    }
  }
  const loads: LoadResult[] = await Promise.all(specs.map((spec) => runLoad(spec)));
  const wall = Math.max(...loads.map((l) => l.seconds));
  const ok = id === 'authorization_code_flow' ? flows.reduce((n, f) => n + f.ok, 0) : loads.reduce((n, l) => n + l.ok, 0);
  const failed = id === 'authorization_code_flow' ? flows.reduce((n, f) => n + f.failed, 0) : loads.reduce((n, l) => n + l.failed, 0);
  const latencies = id === 'authorization_code_flow' ? flows.flatMap((f) => f.latencies).sort((a, b) => a - b) : [];
  const pick = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : Math.max(...loads.map((l) => (p === 50 ? l.p50 : l.p99))));
  return { rate: wall > 0 ? ok / wall : 0, p50: pick(50), p99: pick(99), failed };
}

/** The side-by-side table (rates; p99 in brackets). */
export function sharedStoreTable(setups: SetupResult[], connections: number): string {
  const head = `| scenario (${connections} connections in all) | ${setups.map((s) => s.label).join(' | ')} |`;
  const rule = `|---|${setups.map(() => '---').join('|')}|`;
  const rows = (Object.keys(SHARED_SCENARIOS) as ScenarioId[]).map((id) => {
    const cells = setups.map((s) => {
      const m = s.scenarios[id];
      return m ? `${m.rate.toFixed(0)} ${SHARED_SCENARIOS[id].unit} (p99 ${m.p99.toFixed(0)} ms${m.failed ? `, ${m.failed} failed` : ''})` : '—';
    });
    return `| ${SHARED_SCENARIOS[id].title} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
