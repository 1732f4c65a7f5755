/**
 * The durability proof: client-credentials issuance under load, the server
 * killed with SIGKILL mid-load, restarted on the same data folder, and every
 * access token the load generator received in a 200 answer introspected.
 * A token answered 200 was promised to a client; each must still be active.
 */
import { introspectionRequest, clientCredentialsRequest } from './scenarios';
import type { ClientTarget } from './flow';
import { runLoad } from './load';
import { startServerProcess, type ServerProcess, type StartOptions } from './servers';

export interface CrashStep {
  /** Access tokens answered with a 200 before the kill. */
  answered200: number;
  /** Of those, introspected `"active":true` after the restart. */
  activeAfterRestart: number;
  /** Introspected inactive, or the introspection itself failed: each one is a lost token. */
  lost: number;
  /** Load time before the kill, ms. */
  killedAfterMs: number;
  /** Spawn to first answered request after the kill (WAL recovery included), ms. */
  restartMs: number;
}

/** Runs the step on `server` (which it kills); returns the result and the restarted server. */
export async function crashStep(
  server: ServerProcess,
  target: ClientTarget,
  restart: StartOptions,
  connections: number,
): Promise<{ result: CrashStep; server: ServerProcess }> {
  const tokens: string[] = [];
  const check = (status: number, body: string) => {
    const token = status === 200 ? /"access_token":"([^"]+)"/.exec(body)?.[1] : undefined;
    if (token) tokens.push(token);
    return token !== undefined;
  };
  const t0 = performance.now();
  const load = runLoad({ origin: server.origin, connections, maxRequests: 1_000_000, maxSeconds: 4, request: clientCredentialsRequest(target), check });
  // Kill in full flow: once a few hundred tokens are out (or 2 s passed).
  while (tokens.length < 300 && performance.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
  const killedAfterMs = performance.now() - t0;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  await exited;
  await load;
  const answered = [...tokens];
  const restarted = await startServerProcess(restart);
  const origin = restarted.origin;
  let active = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < answered.length) {
        const token = answered[next++]!;
        const req = introspectionRequest({ ...target, origin }, token);
        const res = await fetch(`${origin}${req.path}`, { method: req.method!, headers: req.headers as Record<string, string>, body: req.body as string }).catch(() => undefined);
        const body = res ? await res.text() : '';
        if (res?.status === 200 && body.includes('"active":true')) active++;
      }
    }),
  );
  return {
    result: { answered200: answered.length, activeAfterRestart: active, lost: answered.length - active, killedAfterMs, restartMs: restarted.startMs },
    server: restarted,
  };
}
