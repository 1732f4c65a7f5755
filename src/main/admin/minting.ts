import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { TokenPlan } from '../../shared/contract/minting';
import { evaluateTokens, mintTokens, type MintRequest } from '../oauth/minted-tokens';
import { by, type Actor, type AdminServer } from './context';
import { planTokenRequest } from './token-plan';

type Ctx = Pick<AdminServer, 'db' | 'issuer' | 'provider' | 'activity'>;

function planOf(request: MintRequest): TokenPlan {
  return {
    appId: request.appId,
    userId: request.accountId,
    actor: request.actor,
    workspaceId: request.workspaceId,
    scopes: request.scopes,
    resource: request.resource?.identifier ?? null,
    grant: request.accountId === null ? 'client_credentials' : 'consent',
  };
}

/**
 * "Mint a token": real tokens through the engine for a request the consent
 * rules accept, recorded as `token.minted` (the engine records each token
 * it saves as well). The values are returned once and never logged.
 */
export async function mintToken(ctx: Ctx, input: ParsedInput<'tokens.mint'>, actor: Actor): Promise<ProcedureOutput<'tokens.mint'>> {
  const request = await planTokenRequest(ctx, input);
  const minted = await mintTokens({ provider: ctx.provider, db: ctx.db, issuer: ctx.issuer }, request);
  ctx.activity.record({
    type: 'token.minted',
    clientId: request.appId,
    accountId: request.accountId,
    workspaceId: request.workspaceId,
    detail: {
      ...by(actor),
      actor: request.actor,
      scope: minted.scope,
      resource: request.resource?.identifier,
      grantId: minted.grantId,
      refreshToken: minted.refreshToken !== null,
      idToken: minted.idToken !== null,
    },
  });
  return { plan: planOf(request), tokenType: 'Bearer', ...minted };
}

/** "Evaluate": what minting (or the same consent) would issue, issuing nothing. */
export async function evaluateToken(ctx: Ctx, input: ParsedInput<'tokens.evaluate'>): Promise<ProcedureOutput<'tokens.evaluate'>> {
  const request = await planTokenRequest(ctx, input);
  return { plan: planOf(request), ...(await evaluateTokens({ provider: ctx.provider, db: ctx.db, issuer: ctx.issuer }, request)) };
}
