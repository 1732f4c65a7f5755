import type { Db } from './database';
import { jsonWithNumber } from './dialect';
import { statusCondition, TOKEN_KIND_MODELS, type TokenKindName } from './tokens-store';

/** Whose live codes and tokens "Expire now" ends: one token, an app's, or a grant's (the grant too). */
export type ExpiryScope = { token: { kind: TokenKindName; id: string } } | { appId: string } | { grantId: string };

const TOKEN_MODELS = Object.values(TOKEN_KIND_MODELS);

/**
 * Expires live rows now, without revoking them: `expires_at` and the
 * engine's own `exp` in the payload both become `at`, so the engine finds
 * them expired (introspection: `active: false`, the token endpoint:
 * `invalid_grant`), the resource API refuses them, and the console shows
 * them as expired, not revoked. Dead rows (revoked, consumed, expired) keep
 * their status. Answers how many rows were expired.
 */
export async function expireRows(db: Db, scope: ExpiryScope, at: number): Promise<number> {
  const exp = Math.floor(at / 1000);
  const result = await db
    .updateTable('oidc_models')
    .set({ expires_at: at, payload: jsonWithNumber(db, 'payload', 'exp', exp) })
    .where((eb) => {
      if ('token' in scope) return eb.and([eb('kind', '=', TOKEN_KIND_MODELS[scope.token.kind]), eb('id', '=', scope.token.id)]);
      if ('appId' in scope) return eb.and([eb('client_id', '=', scope.appId), eb('kind', 'in', TOKEN_MODELS)]);
      return eb.or([eb.and([eb('grant_id', '=', scope.grantId), eb('kind', 'in', TOKEN_MODELS)]), eb.and([eb('kind', '=', 'Grant'), eb('id', '=', scope.grantId)])]);
    })
    .where((eb) => statusCondition(eb, 'active', at))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
