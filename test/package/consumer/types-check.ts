/**
 * Compiled with `tsc --noEmit` twice: in this repository (against the
 * source, via tsconfig.node.json's `paths`) and in the fresh project that
 * installed the packed tarball (against the declarations it ships), so the
 * published types are the contract's and complete. Never run.
 */
import { AdminError, startServer, type OAuthConsoleServer, type ProcedureOutput } from 'oauth-console';

export async function typesCheck(): Promise<void> {
  await using server: OAuthConsoleServer = await startServer({ consentPolicy: 'auto-approve', keepData: false });
  const issuer: string = server.issuer;
  const secret: string = server.demo.app.clientSecret;
  const page: ProcedureOutput<'apps.list'> = await server.admin.call('apps.list', { search: 'Demo' });
  const names: string[] = page.items.map((app) => app.name);
  const status = await server.admin.call('server.status');
  const port: number = status.port;
  const rule = await server.simulate({ endpoint: 'token', effect: 'latency', latencyMs: 200, mode: 'until_cleared' });
  const ruleId: string = rule.id;
  const offset: number = (await server.advanceClock(3600)).clockOffsetSeconds;
  await server.clearSimulations({ clock: true });
  // @ts-expect-error: a rule names its effect
  await server.simulate({ endpoint: 'token', mode: 'until_cleared' });
  // @ts-expect-error: no such procedure in the contract
  await server.admin.call('apps.launch', {});
  // @ts-expect-error: apps.get needs an id
  await server.admin.call('apps.get', {});
  // @ts-expect-error: the database stays internal
  void server.db;
  // @ts-expect-error: the engine stays internal
  void server.provider;
  const error = new AdminError({ code: 'not_found', message: 'no' });
  void [issuer, secret, names, port, ruleId, offset, error.code];
}
