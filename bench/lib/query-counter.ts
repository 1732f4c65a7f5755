/**
 * Bench-only preload for the server child in `--profile` mode
 * (`node --import ./bench/lib/query-counter.ts …`): counts the SQL
 * statements the server's store drivers send to the database (transaction
 * control included), by statement shape, through the query interceptor
 * every driver runs its statements through (src/main/store/query-interceptor.ts),
 * and writes them to $BENCH_QUERY_COUNT_FILE when the process exits
 * (SIGUSR2 opens and closes the measured window).
 */
import { writeFileSync } from 'node:fs';
import { installQueryInterceptor } from '../../src/main/store/query-interceptor';

const counts = new Map<string, number>();
const file = process.env.BENCH_QUERY_COUNT_FILE;

function shape(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/\(\?(, ?\?)*\)/g, '(?…)').replace(/\b(savepoint|release|rollback to) unit_\d+/g, '$1 unit_N').trim().slice(0, 240);
}

installQueryInterceptor((query, next) => {
  const key = shape(query.sql);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return next();
});

// The bench sends SIGUSR2 right before the measured load (reset the counts,
// open the window) and again once the server is idle after it (close the
// window). Window times are on the monotonic clock V8's profiles use (µs).
const window: { start?: number; end?: number } = {};
let snapshot: Map<string, number> | undefined;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
process.on('SIGUSR2', () => {
  if (window.start === undefined) {
    window.start = nowUs();
    counts.clear();
  } else {
    window.end = nowUs();
    snapshot = new Map(counts);
  }
});

process.on('exit', () => {
  const final = snapshot ?? counts;
  if (file) writeFileSync(file, JSON.stringify({ window, counts: Object.fromEntries([...final].sort((a, b) => b[1] - a[1])) }, null, 1));
});
