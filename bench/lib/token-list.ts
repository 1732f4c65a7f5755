/**
 * The console's token list over a big table: a fresh database (created by
 * the real `openStore`, i.e. the real migrations and seed), N token rows
 * inserted straight into `oidc_models` with batched multi-row inserts in one
 * transaction, then the list query timed: the first page, a filtered page,
 * the next page, and a selective filter. Uses the admin store's
 * `listTokens(db, filters, paging)` when src/main/store/tokens-store.ts
 * exists, else the equivalent indexed query over `oidc_models`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kysely } from 'kysely';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { insertApp } from '../../src/main/store/apps-store';
import { nodeSqlite } from '../../src/main/store/node-sqlite-module';
import { openStore, type Db } from '../../src/main/store/database';
import type { Database } from '../../src/main/store/schema';
import { seedDemoData } from '../../src/main/store/seed';
import { SqliteDialect } from '../../src/main/store/sqlite-dialect';
import { ROOT, startServerProcess } from './servers';

export interface QueryTiming {
  name: string;
  description: string;
  /** First run on a freshly opened connection, ms. */
  firstMs: number;
  /** Median of the following runs, ms. */
  medianMs: number;
  rows: number;
}

export interface TokenListResult {
  rows: number;
  implementation: 'listTokens (src/main/store/tokens-store.ts)' | 'equivalent query over oidc_models';
  insertSeconds: number;
  databaseBytes: number;
  queries: QueryTiming[];
  plans: Record<string, string[]>;
  /** Our server restarted on this database: spawn to first answered request, ms (OS file cache warm). */
  serverStartMs?: number;
  /** The server's resident memory at that moment, bytes. */
  serverStartRss?: number;
  /** The indexes on oidc_models when measured. */
  indexes: string[];
}

const KINDS: Array<[kind: string, share: number]> = [
  ['AccessToken', 0.4],
  ['RefreshToken', 0.25],
  ['ClientCredentials', 0.2],
  ['AuthorizationCode', 0.1],
  ['Grant', 0.05],
];
const DAY = 86_400_000;
const COLUMNS = [
  'kind', 'id', 'payload', 'grant_id', 'client_id', 'account_id', 'workspace_id', 'actor', 'scope', 'uid',
  'user_code', 'created_at', 'expires_at', 'consumed_at', 'revoked_at', 'last_used_at',
] as const;

async function run(db: DatabaseSync, text: string, params: unknown[] = []): Promise<void> {
  db.prepare(text).run(...(params as SQLInputValue[]));
}

async function all<T>(db: DatabaseSync, text: string, params: unknown[] = []): Promise<T[]> {
  return db.prepare(text).all(...(params as SQLInputValue[])) as T[];
}

async function openRaw(file: string): Promise<DatabaseSync> {
  return new (nodeSqlite().DatabaseSync)(file);
}

/** A deterministic pseudo-random sequence, so runs insert the same shape of data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Population {
  workspaceId: string;
  appIds: string[];
  userIds: string[];
}

/** Creates the database with the real migrations and demo seed, plus 19 more apps. */
async function prepare(file: string): Promise<Population> {
  const db = await openStore(file);
  try {
    const seed = await seedDemoData(db);
    if (!seed) throw new Error('expected a fresh database');
    const appIds = [seed.appId];
    for (let i = 1; i < 20; i++) {
      const { app } = await insertApp(db, {
        workspaceId: seed.workspaceId,
        name: `Bench App ${i}`,
        clientType: i % 4 === 0 ? 'public' : 'confidential',
        redirectUris: ['http://localhost:3000/callback'],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        scopes: ['openid', 'profile', 'email', 'offline_access', 'read:user'],
        actorModes: ['self', 'app'],
        origin: 'console',
      });
      appIds.push(app.id);
    }
    const users = await db.selectFrom('users').select('id').orderBy('created_at').execute();
    return { workspaceId: seed.workspaceId, appIds, userIds: users.map((u) => u.id) };
  } finally {
    await db.destroy();
  }
}

/**
 * Inserts `count` rows shaped like our adapter writes them, oldest first, in
 * one transaction: batches of 5,000 rows go in as one JSON parameter each
 * (`insert … select … from json_each(?)`; binding values one by one
 * costs more than the insert), and the secondary indexes
 * are dropped first and re-created at the end (sorted builds instead of
 * random-order updates). The result is the same file the migrations make.
 */
async function insertTokens(file: string, count: number, pop: Population): Promise<void> {
  const db = await openRaw(file);
  const random = rng(42);
  const now = Date.now();
  const span = 30 * DAY;
  const batch = 5000;
  const statement = `insert into oidc_models (${COLUMNS.join(',')}) select ${COLUMNS.map((_, i) => `value->>${i}`).join(',')} from json_each(?)`;
  try {
    // Bulk-load settings for this connection only; the file goes back to WAL after.
    await run(db, 'pragma journal_mode = memory');
    await run(db, 'pragma synchronous = off');
    await run(db, 'pragma cache_size = -1048576');
    const indexes = await all<{ name: string; sql: string }>(db, "select name, sql from sqlite_master where type = 'index' and tbl_name = 'oidc_models' and sql is not null");
    await run(db, 'begin');
    for (const index of indexes) await run(db, `drop index "${index.name}"`);
    let grants: string[] = [];
    let pending: Promise<void> = Promise.resolve();
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const entropy = randomBytes(64 * n).toString('hex');
      let cursor = 0;
      const hex = () => entropy.slice(cursor, (cursor += 64));
      const rows: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const index = start + i;
        const createdAt = now - span + Math.floor((index / count) * span);
        let r = random();
        let kind = KINDS[KINDS.length - 1]![0];
        for (const [k, share] of KINDS) {
          if (r < share) {
            kind = k;
            break;
          }
          r -= share;
        }
        // A skewed app popularity: the demo app gets about a third of the traffic.
        const app = random() < 0.33 ? pop.appIds[0]! : pop.appIds[1 + Math.floor(random() * (pop.appIds.length - 1))]!;
        const forUser = kind !== 'ClientCredentials';
        const account = forUser ? pop.userIds[Math.floor(random() * pop.userIds.length)]! : null;
        let grant: string | null = null;
        if (kind === 'Grant') {
          grant = hex();
          grants.push(grant);
          if (grants.length > 1000) grants = grants.slice(-500);
        } else if (forUser) grant = grants.length ? grants[Math.floor(random() * grants.length)]! : hex();
        const ttl = kind === 'AuthorizationCode' ? 300_000 : kind === 'AccessToken' || kind === 'ClientCredentials' ? DAY : 3650 * DAY;
        const consumed = (kind === 'AuthorizationCode' && random() < 0.95) || (kind === 'RefreshToken' && random() < 0.8) ? createdAt + 1000 : null;
        const revoked = random() < 0.03 ? createdAt + Math.floor(random() * DAY) : null;
        const scope = kind === 'ClientCredentials' ? 'read:user' : 'openid profile email offline_access read:user';
        const actor = forUser ? 'self' : 'app';
        const iat = Math.floor(createdAt / 1000);
        const payload = JSON.stringify({
          iat,
          exp: iat + ttl / 1000,
          kind,
          clientId: app,
          ...(account ? { accountId: account, grantId: `grant_${index}`, sessionUid: `sess_${index}`, expiresWithSession: false } : {}),
          scope,
          gty: kind === 'ClientCredentials' ? 'client_credentials' : 'authorization_code',
          extra: { workspace_id: pop.workspaceId, actor },
          ...(consumed ? { consumed: Math.floor(consumed / 1000) } : {}),
        });
        rows.push([
          kind, hex(), payload, grant, app, account, pop.workspaceId, actor, scope, null,
          null, createdAt, createdAt + ttl, consumed, revoked, random() < 0.2 ? createdAt + 60_000 : null,
        ]);
      }
      const text = JSON.stringify(rows);
      await pending;
      pending = run(db, statement, [text]);
    }
    await pending;
    for (const index of indexes) await run(db, index.sql);
    await run(db, 'commit');
    await run(db, 'pragma journal_mode = wal');
  } finally {
    db.close();
  }
}

/**
 * A database file like the token-list bench's: the real migrations and demo
 * seed, then `rows` token rows (bench/startup.ts restarts our server on it).
 */
export async function fillTokenDatabase(file: string, rows: number): Promise<void> {
  await insertTokens(file, rows, await prepare(file));
}

interface Filters {
  appId?: string | undefined;
  userId?: string | undefined;
  kind?: string | undefined;
  status?: string | undefined;
}
/** The shape of the admin store's `listTokens(db, { ...filters, limit, cursor }, now?)`. */
type ListFn = (db: Db, query: Filters & { limit: number; cursor?: string }) => Promise<{ items: unknown[]; nextCursor?: string | null }>;

const KIND_OF: Record<string, string[]> = {
  code: ['AuthorizationCode'],
  access: ['AccessToken'],
  refresh: ['RefreshToken'],
  client_credentials: ['ClientCredentials'],
};

/**
 * The query the console needs when tokens-store.ts is not there yet: the four
 * token kinds, newest first, with app/user/kind/status filters, keyset paging
 * on (created_at, id), app and user names joined.
 */
function equivalentQuery(db: Db, filters: Filters, paging: { limit: number; cursor?: string | undefined }) {
  const now = Date.now();
  let q = db
    .selectFrom('oidc_models as t')
    .leftJoin('apps as a', 'a.id', 't.client_id')
    .leftJoin('users as u', 'u.id', 't.account_id')
    .select([
      't.id', 't.kind', 't.client_id', 'a.name as app_name', 't.account_id', 'u.email as user_email', 't.workspace_id', 't.grant_id',
      't.actor', 't.scope', 't.created_at', 't.expires_at', 't.consumed_at', 't.revoked_at', 't.last_used_at',
    ])
    .where('t.kind', 'in', filters.kind ? KIND_OF[filters.kind]! : Object.values(KIND_OF).flat());
  if (filters.appId) q = q.where('t.client_id', '=', filters.appId);
  if (filters.userId) q = q.where('t.account_id', '=', filters.userId);
  if (filters.status === 'revoked') q = q.where('t.revoked_at', 'is not', null);
  if (filters.status === 'consumed') q = q.where('t.revoked_at', 'is', null).where('t.consumed_at', 'is not', null);
  if (filters.status === 'expired') q = q.where('t.revoked_at', 'is', null).where('t.consumed_at', 'is', null).where('t.expires_at', '<=', now);
  if (filters.status === 'active') q = q.where('t.revoked_at', 'is', null).where('t.consumed_at', 'is', null).where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]));
  if (paging.cursor) {
    const [at, id] = Buffer.from(paging.cursor, 'base64url').toString().split(':');
    q = q.where((eb) => eb.or([eb('t.created_at', '<', Number(at)), eb.and([eb('t.created_at', '=', Number(at)), eb('t.id', '<', id!)])]));
  }
  return q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(paging.limit + 1);
}

const equivalentList: ListFn = async (db, query) => {
  const paging = { limit: query.limit, cursor: query.cursor };
  const rows = await equivalentQuery(db, query, paging).execute();
  const items = rows.slice(0, paging.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > paging.limit && last ? Buffer.from(`${last.created_at}:${last.id}`).toString('base64url') : null };
};

async function loadListTokens(): Promise<{ list: ListFn; implementation: TokenListResult['implementation'] }> {
  const file = resolve(ROOT, 'src/main/store/tokens-store.ts');
  if (existsSync(file)) {
    const mod = (await import(pathToFileURL(file).href)) as { listTokens?: ListFn };
    const listTokens = mod.listTokens;
    if (typeof listTokens === 'function') return { list: (db, query) => listTokens(db, query), implementation: 'listTokens (src/main/store/tokens-store.ts)' };
  }
  return { list: equivalentList, implementation: 'equivalent query over oidc_models' };
}

async function time(fn: () => Promise<number>, repeats: number): Promise<{ firstMs: number; medianMs: number; rows: number }> {
  let t = performance.now();
  const rows = await fn();
  const firstMs = performance.now() - t;
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { firstMs, medianMs: samples[Math.floor(samples.length / 2)]!, rows };
}

export async function benchTokenList(rows: number, log: (line: string) => void, keepDir = false): Promise<TokenListResult> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-console-bench-tokens-'));
  const file = join(dir, 'oauth-console.sqlite');
  try {
    const pop = await prepare(file);
    const t0 = performance.now();
    await insertTokens(file, rows, pop);
    const insertSeconds = (performance.now() - t0) / 1000;
    log(`  inserted ${rows.toLocaleString('en-US')} rows in ${insertSeconds.toFixed(1)} s`);
    const databaseBytes = (await stat(file)).size + (existsSync(`${file}-wal`) ? (await stat(`${file}-wal`)).size : 0);

    const { list, implementation } = await loadListTokens();
    const db = await openStore(file);
    try {
      const rare = pop.appIds[pop.appIds.length - 1]!;
      const cases: Array<{ name: string; description: string; filters: Filters; cursorFrom?: Filters }> = [
        { name: 'first page', description: 'no filter, newest 50', filters: {} },
        { name: 'filtered page', description: 'app = Demo App, kind = access, status = active', filters: { appId: pop.appIds[0], kind: 'access', status: 'active' } },
        { name: 'next page', description: 'page 2 of the filtered list (keyset cursor)', filters: { appId: pop.appIds[0], kind: 'access', status: 'active' }, cursorFrom: {} },
        { name: 'selective filter', description: `app = a small app, kind = client_credentials, status = revoked`, filters: { appId: rare, kind: 'client_credentials', status: 'revoked' } },
      ];
      const queries: QueryTiming[] = [];
      for (const c of cases) {
        let cursor: string | undefined;
        if (c.cursorFrom) cursor = (await list(db, { ...c.filters, limit: 50 })).nextCursor ?? undefined;
        const timing = await time(async () => (await list(db, { ...c.filters, limit: 50, ...(cursor ? { cursor } : {}) })).items.length, 5);
        queries.push({ name: c.name, description: c.description, ...timing });
        log(`  ${c.name}: first ${timing.firstMs.toFixed(1)} ms, median ${timing.medianMs.toFixed(1)} ms (${timing.rows} rows)`);
      }
      // Query plans of what the list actually ran, to explain the numbers.
      const plans: Record<string, string[]> = {};
      const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
      const tracer = new Kysely<Database>({ dialect: new SqliteDialect(file), log: (e) => void (e.level === 'query' && captured.push(e.query)) });
      const raw = await openRaw(file);
      const indexes = (await all<{ name: string; sql: string }>(raw, "select name, sql from sqlite_master where type = 'index' and tbl_name = 'oidc_models' and sql is not null")).map((r) => r.sql);
      try {
        for (const c of [cases[0]!, cases[1]!, cases[3]!]) {
          captured.length = 0;
          await list(tracer, { ...c.filters, limit: 50 });
          plans[c.name] = [];
          for (const q of captured) {
            if (!/^\s*select/i.test(q.sql)) continue;
            const plan = await all<{ detail: string }>(raw, `explain query plan ${q.sql}`, [...q.parameters]);
            plans[c.name]!.push(...plan.map((r) => r.detail));
          }
        }
      } finally {
        await tracer.destroy();
        raw.close();
      }
      await db.destroy(); // Kysely's destroy is idempotent; the finally below is for early failures
      // Cold start on the big database (startup checks the file's integrity, so size may matter):
      // the first start creates the master key and signing keys, the second is a plain restart.
      let serverStartMs: number | undefined;
      let serverStartRss: number | undefined;
      for (let i = 0; i < 2; i++) {
        const server = await startServerProcess({ kind: 'ours', dataDir: dir });
        serverStartMs = server.startMs;
        serverStartRss = server.rssAtStart;
        await server.stop();
      }
      log(`  our server restarted on this database: first answer after ${serverStartMs!.toFixed(0)} ms`);
      return { rows, implementation, insertSeconds, databaseBytes, queries, plans, indexes, serverStartMs, serverStartRss };
    } finally {
      await db.destroy().catch(() => undefined);
    }
  } finally {
    if (!keepDir) await rm(dir, { recursive: true, force: true });
    else log(`  kept ${file}`);
  }
}
