/**
 * Cold start and resident memory only, measured the way bench/run.ts does
 * (`startServerProcess`: spawn to the first 200 of the discovery document,
 * VmRSS at that moment), but repeated and alternated so the medians can be
 * compared on a shared machine: each round starts the in-memory engine, then
 * ours on a data folder that already ran once (a restart), then ours on a
 * fresh data folder, then ours on a database holding `--rows` token rows.
 *
 *   npm run bench:startup                     # 7 rounds, 1,000,000 rows
 *   npm run bench:startup -- --runs 5 --rows 0 # no big database
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { memoryOf, primeServer, startServerProcess, type ServerProcess, type StartOptions } from './lib/servers';
import { fillTokenDatabase } from './lib/token-list';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    rows: { type: 'string', default: '1000000' },
    'no-fresh': { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const ROWS = Number(values.rows);

interface Sample {
  ms: number;
  rssMB: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function once(options: StartOptions, settleMs = 0): Promise<Sample & { settledMB: number }> {
  const server: ServerProcess = await startServerProcess(options);
  try {
    // Resident memory a little after the first answer too: deferred start-up work shows there.
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    return { ms: server.startMs, rssMB: server.rssAtStart / 1048576, settledMB: memoryOf(server.pid).rss / 1048576 };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const dirs: string[] = [];
  const dir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'oauth-console-startup-'));
    dirs.push(d);
    return d;
  };
  try {
    await primeServer('ours');
    await primeServer('inmemory');
    const restartDir = await dir();
    await once({ kind: 'ours', dataDir: restartDir, consent: 'prompt', expectSecret: true });
    let bigDir: string | undefined;
    if (ROWS > 0) {
      bigDir = await dir();
      const t = performance.now();
      await fillTokenDatabase(join(bigDir, 'oauth-console.sqlite'), ROWS);
      console.log(`filled ${ROWS.toLocaleString('en-US')} token rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      // The first start on it creates the master key and signing keys, like token-list.ts.
      await once({ kind: 'ours', dataDir: bigDir });
    }
    const series: Record<string, Array<Sample & { settledMB: number }>> = { inmemory: [], restart: [], fresh: [], big: [] };
    for (let i = 0; i < RUNS; i++) {
      series.inmemory!.push(await once({ kind: 'inmemory' }, 1000));
      series.restart!.push(await once({ kind: 'ours', dataDir: restartDir, consent: 'prompt' }, 1000));
      if (!values['no-fresh']) series.fresh!.push(await once({ kind: 'ours', dataDir: await dir(), consent: 'prompt', expectSecret: true }, 1000));
      if (bigDir) series.big!.push(await once({ kind: 'ours', dataDir: bigDir }, 1000));
      console.log(`round ${i + 1}: ${Object.entries(series).filter(([, s]) => s.length).map(([k, s]) => `${k} ${s.at(-1)!.ms.toFixed(0)} ms ${s.at(-1)!.rssMB.toFixed(0)} MB`).join(', ')}`);
    }
    const base = series.inmemory!;
    const baseMs = median(base.map((s) => s.ms));
    const baseMB = median(base.map((s) => s.rssMB));
    console.log(`\nmedians of ${RUNS} (start ms / RSS at first answer MB / RSS 1 s later MB):`);
    for (const [name, s] of Object.entries(series)) {
      if (!s.length) continue;
      const ms = median(s.map((x) => x.ms));
      const mb = median(s.map((x) => x.rssMB));
      const settled = median(s.map((x) => x.settledMB));
      console.log(`  ${name.padEnd(9)} ${ms.toFixed(0).padStart(5)} ms (${(ms / baseMs).toFixed(2)}x)  ${mb.toFixed(0).padStart(4)} MB (${(mb / baseMB).toFixed(2)}x)  ${settled.toFixed(0).padStart(4)} MB`);
    }
  } finally {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

await main();
