// Scratch: self time per file (µs per op) from a .cpuprofile. Not committed.
import { readFileSync } from 'node:fs';
const prof = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const ops = Number(process.argv[3] ?? 1);
const byFn = process.argv[4] === 'fn';
const nodes = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
const self = new Map<string, number>();
for (let i = 0; i < prof.samples.length; i++) {
  const n = nodes.get(prof.samples[i]); const u = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
  const k = byFn ? `${n.callFrame.functionName} ${u}:${n.callFrame.lineNumber+1}` : (u ? u.replace(/^(oidc-provider|koa|jose|kysely)\/.*$/, '$1') : n.callFrame.functionName);
  self.set(k, (self.get(k) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
let t = 0; for (const v of self.values()) t += v;
console.log(`total ${(t / ops).toFixed(0)} µs/op`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[5] ?? 40))) console.log(`${(v / ops).toFixed(1).padStart(7)} µs  ${k}`);
