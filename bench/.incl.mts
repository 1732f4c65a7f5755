// Scratch: inclusive time per function (name+file) from a .cpuprofile, excluding recursion double count.
import { readFileSync } from 'node:fs';
const prof = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const filter = process.argv[3] ? new RegExp(process.argv[3]) : /./;
const nodes = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
const dts = prof.timeDeltas; let total = 0;
for (let i = 0; i < prof.samples.length; i++) { const d = dts[i] ?? 0; self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + d); total += d; }
const idle = [...nodes.values()].filter((n) => n.callFrame.functionName === '(idle)').reduce((a, n) => a + (self.get(n.id) ?? 0), 0);
const incl = new Map<string, number>();
const key = (n: any) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) { const k = key(nodes.get(cur)); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + t); } }
}
const busy = total - idle;
console.log(`busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)}`);
const rows = [...incl].filter(([k]) => filter.test(k)).sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 60));
for (const [k, t] of rows) console.log(`${((t / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
