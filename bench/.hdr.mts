import { mkdtemp } from 'node:fs/promises'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { startServerProcess } from './lib/servers'; import { probeFlow } from './lib/flow'; import { introspectionRequest, resourceRequest } from './lib/scenarios';
for (const kind of ['ours', 'inmemory'] as const) {
  const dir = await mkdtemp(join(tmpdir(), 'h-'));
  const s = await startServerProcess(kind === 'ours' ? { kind, dataDir: dir, consent: 'prompt', expectSecret: true } : { kind });
  const t = { origin: s.origin, clientId: s.clientId!, clientSecret: s.clientSecret! };
  const tok = (await probeFlow(t)).tokens.access_token;
  for (const r of [introspectionRequest(t, tok), resourceRequest(tok)]) {
    const res = await fetch(s.origin + r.path, { method: r.method, headers: r.headers as any, body: r.body as any });
    const body = await res.text();
    console.log(`== ${kind} ${r.path} ${res.status} headers=${[...res.headers].length} bytes=${[...res.headers].reduce((a, [k, v]) => a + k.length + v.length + 4, 0)} body=${body.length}`);
    for (const [k, v] of res.headers) console.log(`   ${k}: ${v.slice(0, 100)}`);
  }
  await s.stop();
}
