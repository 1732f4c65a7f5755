import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { appExists } from '../store/apps-store';
import { expireRows, type ExpiryScope } from '../store/token-expiry-store';
import { findTokenRow, grantExists } from '../store/tokens-store';
import { by, type Actor, type AdminServer } from './context';
import { notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity' | 'simulation'>;

/**
 * "Expire now": a token, an app's tokens, or a grant and its tokens reach
 * their expiry at once, on the server clock. Not a revocation: they show as
 * expired, and introspection answers `active: false`.
 */
export async function expireTokens(ctx: Ctx, input: ParsedInput<'tokens.expire'>, actor: Actor): Promise<ProcedureOutput<'tokens.expire'>> {
  let scope: ExpiryScope;
  let clientId: string | null = null;
  if (input.id !== undefined) {
    const row = await findTokenRow(ctx.db, input.id);
    if (!row) throw notFound('id', 'token');
    scope = { token: { kind: row.kind, id: row.id } };
    clientId = row.appId;
  } else if (input.appId !== undefined) {
    if (!(await appExists(ctx.db, input.appId))) throw notFound('appId', 'app');
    scope = { appId: input.appId };
    clientId = input.appId;
  } else {
    if (!(await grantExists(ctx.db, input.grantId!))) throw notFound('grantId', 'grant');
    scope = { grantId: input.grantId! };
  }
  const expired = await expireRows(ctx.db, scope, ctx.simulation.clock.now());
  ctx.activity.record({ type: 'token.expired', clientId, detail: { ...by(actor), ...input, expired } });
  return { expired };
}
