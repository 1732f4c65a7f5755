/**
 * Bench-only preload for `--profile` (never used for the published numbers):
 * emulates two proposed changes to the server core by intercepting SQL at
 * the store driver (src/main/store/query-interceptor.ts), to estimate what
 * each is worth before anyone writes it.
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
 * driver's mutex; only the call into SQLite is short-circuited.
 */
import type { QueryResult } from 'kysely';
import { installQueryInterceptor } from '../../src/main/store/query-interceptor';

const modes = new Set((process.env.BENCH_WHATIF ?? '').split(',').filter(Boolean));
const CLIENT_LOOKUP = /^select \* from "apps" where "id" = \?$|^select \* from "app_redirect_uris" where "app_id" = \? order by "position"$|^select "secret_hash" from "apps" where "id" = \?$/;
const EVENTS_INSERT = /^insert into "events"/;
const cache = new Map<string, QueryResult<unknown>>();

if (modes.size > 0) {
  installQueryInterceptor(async (query, next) => {
    const text = query.sql.replace(/\s+/g, ' ').trim();
    if (modes.has('no-events') && EVENTS_INSERT.test(text)) {
      return /\breturning\b/i.test(text) ? { rows: [{ id: 0 }] } : { rows: [], numAffectedRows: 1n, insertId: 0n };
    }
    if (modes.has('client-cache') && CLIENT_LOOKUP.test(text)) {
      const key = `${text}|${JSON.stringify(query.parameters)}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const result = await next();
      cache.set(key, result);
      return result;
    }
    return next();
  });
}
