// Scratch: per-thread CPU of ours during a cc load. Not committed.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './lib/servers';
import { runLoad } from './lib/load';
import { clientCredentialsRequest, isTokenResponse } from './lib/scenarios';
const kind = (process.argv[2] ?? 'ours') as 'ours' | 'inmemory';
const dir = await mkdtemp(join(tmpdir(), 'thr-'));
const s = await startServerProcess(kind === 'ours' ? { kind, dataDir: dir, consent: 'prompt', expectSecret: true } : { kind });
const target = { origin: s.origin, clientId: s.clientId!, clientSecret: s.clientSecret! };
await runLoad({ origin: s.origin, connections: 10, maxRequests: 100000, maxSeconds: 1.5, request: clientCredentialsRequest(target), check: isTokenResponse });
const snap = async () => { const m = new Map<string, number>(); for (const t of await readdir(`/proc/${s.pid}/task`)) { try { const st = await readFile(`/proc/${s.pid}/task/${t}/stat`, 'utf8'); const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); m.set(`${t} ${name}`, (Number(f[11]) + Number(f[12])) * 10); } catch {} } return m; };
const a = await snap();
const l = await runLoad({ origin: s.origin, connections: 10, maxRequests: 200000, maxSeconds: 5, request: clientCredentialsRequest(target), check: isTokenResponse });
const b = await snap();
console.log(`${kind}: ${l.ok} ok in ${l.seconds.toFixed(1)} s`);
for (const [k, v] of b) { const d = v - (a.get(k) ?? 0); if (d > 0) console.log(`  ${k}: ${d} ms = ${(d * 1000 / l.ok).toFixed(0)} µs/token`); }
await s.stop();
