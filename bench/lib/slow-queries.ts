/**
 * Bench-only preload (`node --import ./bench/lib/slow-queries.ts …`): prints
 * every SQL statement of the store that took longer than
 * $BENCH_SLOW_QUERY_MS (5 ms unless set) to stderr, with its time since the
 * process started, through the store's query interceptor. bench/startup.ts
 * uses it to show which statements a start runs over a big table.
 */
import { installQueryInterceptor } from '../../src/main/store/query-interceptor';

const limit = Number(process.env.BENCH_SLOW_QUERY_MS ?? 5);

installQueryInterceptor(async (query, next) => {
  const t = performance.now();
  try {
    return await next();
  } finally {
    const ms = performance.now() - t;
    if (ms >= limit) process.stderr.write(`slow query ${ms.toFixed(1)} ms at ${t.toFixed(0)} ms: ${query.sql.replace(/\s+/g, ' ').slice(0, 300)}\n`);
  }
});
