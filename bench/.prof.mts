// Scratch: cpu-profile ours under one scenario; print inclusive time of functions. Not committed.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './lib/servers';
import { probeFlow, flowRequests, newFlowStats } from './lib/flow';
import { runLoad } from './lib/load';
import { clientCredentialsRequest, introspectionRequest, resourceRequest, isTokenResponse, isActiveIntrospection, isResourceAnswer } from './lib/scenarios';
const id = process.argv[2] ?? 'cc';
const kind = (process.env.KIND ?? "ours") as any;
const dir = await mkdtemp(join(tmpdir(), 'prof-'));
const profDir = join(dir, 'prof');
let creds: any;
if (kind === 'ours') { const first = await startServerProcess({ kind: 'ours', dataDir: dir, consent: 'prompt', expectSecret: true }); creds = { clientId: first.clientId!, clientSecret: first.clientSecret! }; await first.stop(); }
const s = await startServerProcess(kind === 'ours' ? { kind: 'ours', dataDir: dir, consent: 'prompt', nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : { kind, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
creds ??= { clientId: s.clientId!, clientSecret: s.clientSecret! };
const target = { origin: s.origin, ...creds };
const probe = await probeFlow(target);
const w = id === 'cc' ? await runLoad({ origin: s.origin, connections: 10, maxRequests: 100000, maxSeconds: 1.5, request: clientCredentialsRequest(target), check: isTokenResponse }) : { ok: 0 };
const token = (await probeFlow(target)).tokens.access_token;
const req = id === 'cc' ? [clientCredentialsRequest(target), isTokenResponse] : id === 'intro' ? [introspectionRequest(target, token), isActiveIntrospection] : [resourceRequest(token), isResourceAnswer];
const l = id === 'flow' ? await runLoad({ origin: s.origin, connections: 10, maxRequests: 100000, maxSeconds: 6, requests: flowRequests(target, newFlowStats(), probe.steps + 2) }) : await runLoad({ origin: s.origin, connections: 10, maxRequests: 200000, maxSeconds: 6, request: req[0] as any, check: req[1] as any, serverPid: s.pid });
console.log(`${id}: ${l.okPerSecond.toFixed(0)}/s ok=${l.ok}`);
console.log(`OPS ${l.ok + w.ok}`);
await s.stop();
const f = (await readdir(profDir)).find((x) => x.endsWith('.cpuprofile'))!;
const prof = JSON.parse(await readFile(join(profDir, f), 'utf8'));
console.log(join(profDir, f));
