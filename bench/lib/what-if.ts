/**
 * Bench-only preload for `--profile` (never used for the published numbers):
 * emulates two proposed changes to the server core by intercepting SQL at
 * the sqlite3 addon, to estimate what each is worth before anyone writes it.
 *
 *   BENCH_WHATIF=client-cache   the engine's client lookup (apps row, its
 *                               redirect URIs, its secret hash) is answered
 *                               from memory after the first time, like an
 *                               in-process client cache invalidated on change;
 *   BENCH_WHATIF=no-events      activity-log inserts are skipped, the upper
 *                               bound of batching them (one multi-row insert
 *                               per flush instead of one statement per event).
 *
 * Comma-separate to combine. Statements still pass through Kysely and the
 * driver's mutex; only the addon call is short-circuited.
 */
import sqlite3 from 'sqlite3';

const modes = new Set((process.env.BENCH_WHATIF ?? '').split(',').filter(Boolean));
const CLIENT_LOOKUP = /^select \* from "apps" where "id" = \?$|^select \* from "app_redirect_uris" where "app_id" = \? order by "position"$|^select "secret_hash" from "apps" where "id" = \?$/;
const EVENTS_INSERT = /^insert into "events"/;
const cache = new Map<string, unknown[]>();

type Callback = (this: unknown, err: Error | null, rows?: unknown) => void;
const proto = sqlite3.Database.prototype as unknown as Record<'all' | 'run', (sql: string, params: unknown[], cb: Callback) => unknown>;

const originalAll = proto.all;
proto.all = function all(this: unknown, sql: string, params: unknown[], cb: Callback) {
  const text = String(sql).replace(/\s+/g, ' ').trim();
  if (modes.has('no-events') && EVENTS_INSERT.test(text)) {
    setImmediate(() => cb.call({ changes: 1, lastID: 0 }, null, [{ id: 0 }]));
    return this;
  }
  if (modes.has('client-cache') && CLIENT_LOOKUP.test(text)) {
    const key = `${text}|${JSON.stringify(params)}`;
    const hit = cache.get(key);
    if (hit) {
      setImmediate(() => cb.call(this, null, hit));
      return this;
    }
    return originalAll.call(this, sql, params, function remember(this: unknown, err, rows) {
      if (!err) cache.set(key, rows as unknown[]);
      cb.call(this, err, rows);
    });
  }
  return originalAll.call(this, sql, params, cb);
};

const originalRun = proto.run;
proto.run = function run(this: unknown, sql: string, params: unknown[], cb: Callback) {
  if (modes.has('no-events') && EVENTS_INSERT.test(String(sql).trim())) {
    setImmediate(() => cb.call({ changes: 1, lastID: 0 }, null));
    return this;
  }
  return originalRun.call(this, sql, params, cb);
};
