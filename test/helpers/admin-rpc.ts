import type { ProcedureInput, ProcedureName, ProcedureOutput } from '../../src/shared/contract/procedures';
import type { RunningServer } from '../../src/main/server/server';

/** One admin procedure over the HTTP transport (as scripts and CI call it); a refusal rejects with its status and body. */
export async function rpc<P extends ProcedureName>(server: RunningServer, name: P, input: ProcedureInput<P>): Promise<ProcedureOutput<P>> {
  const res = await fetch(`${server.issuer}/admin/rpc/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as ProcedureOutput<P>;
  if (!res.ok) throw Object.assign(new Error(`${name}: ${res.status} ${JSON.stringify(body)}`), { status: res.status, body });
  return body;
}
