import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Token } from '../../shared/contract/tokens';
import { sha256Hex } from '../secrets/crypto';
import type { Db } from '../store/database';
import { appExists, appNames } from '../store/apps-store';
import { mintedModelIds } from '../store/oidc-models-store';
import {
  findTokenRow,
  grantExists,
  listTokens as listTokenRows,
  revokeTokenRow,
  revokeTokensAndGrants,
  tokenAudience,
  type RevocationScope,
  type TokenRow,
} from '../store/tokens-store';
import { userExists, usersById } from '../store/users-store';
import { by, type Actor, type AdminServer } from './context';
import { notFound } from './errors';
import { inspectJwt, looksLikeJwt, prefixKind, relativeTime } from './token-inspection';
import { recordClaims } from './token-record-claims';

type Ctx = Pick<AdminServer, 'db' | 'activity' | 'issuer'>;

/** Adds app names and user emails to stored rows (one query each per page). */
export async function withNames(db: Db, rows: TokenRow[]): Promise<Token[]> {
  const appIds = [...new Set(rows.map((r) => r.appId).filter((id): id is string => id !== null))];
  const userIds = [...new Set(rows.map((r) => r.userId).filter((id): id is string => id !== null))];
  const apps = await appNames(db, appIds);
  const users = await usersById(db, userIds);
  // A minted token's grant carries the mark (so do the tokens a refresh makes from it); a minted client-credentials token carries its own.
  const minted = await mintedModelIds(db, [...new Set(rows.flatMap((r) => (r.grantId !== null ? [r.grantId] : r.kind === 'client_credentials' ? [r.id] : [])))]);
  return rows.map((row) => ({
    ...row,
    appName: row.appId ? (apps.get(row.appId) ?? null) : null,
    userEmail: row.userId ? (users.get(row.userId)?.email ?? null) : null,
    minted: minted.has(row.grantId ?? row.id),
  }));
}

export async function listTokens(ctx: Ctx, input: ParsedInput<'tokens.list'>): Promise<ProcedureOutput<'tokens.list'>> {
  const page = await listTokenRows(ctx.db, input);
  return { items: await withNames(ctx.db, page.items), nextCursor: page.nextCursor };
}

function statusNotes(token: Token, now: number): string[] {
  const binding = token.dpopJkt ? [`DPoP-bound (jkt ${token.dpopJkt}): it works only with proofs signed by that key, sent as "Authorization: DPoP".`] : [];
  if (token.revokedAt !== null) return [`Revoked ${relativeTime(token.revokedAt, now)}.`, ...binding];
  if (token.consumedAt !== null) return [`Already used ${relativeTime(token.consumedAt, now)}${token.kind === 'refresh' ? ' (rotated)' : ''}; it cannot be used again.`, ...binding];
  if (token.expiresAt !== null && token.expiresAt <= now) return [`Expired ${relativeTime(token.expiresAt, now)}.`, ...binding];
  return [`Active${token.expiresAt !== null ? `, expires ${relativeTime(token.expiresAt, now)}` : ''}.`, ...binding];
}

/** A stored row as the inspector shows it: named, with its status, audience and how it was issued. */
async function storedInspection(ctx: Ctx, row: TokenRow, now: number): Promise<{ token: Token; audience: string | null; record: Record<string, unknown>; notes: string[] }> {
  const [token] = await withNames(ctx.db, [row]);
  const { audience, format } = await tokenAudience(ctx.db, row);
  const notes = statusNotes(token!, now);
  if (format === 'jwt') notes.push('Issued as a JWT access token (RFC 9068), signed by this server; its record is kept, so revoking it counts at once here.');
  if (row.kind === 'access' || row.kind === 'client_credentials') notes.push(audience ? `For the resource ${audience} (its aud).` : 'Issued without a resource indicator: no audience.');
  return { token: token!, audience, record: recordClaims(token!, audience, ctx.issuer), notes };
}

/**
 * Inspects one token. A pasted value is hashed and looked up, never stored
 * or logged; a JWT is decoded and verified against our keys, and a JWT
 * access token of ours is matched to its stored record by its `jti`.
 */
export async function inspectToken(ctx: Ctx, input: ParsedInput<'tokens.inspect'>): Promise<ProcedureOutput<'tokens.inspect'>> {
  const now = Date.now();
  if (input.id !== undefined) {
    const row = await findTokenRow(ctx.db, input.id, now);
    if (!row) throw notFound('id', 'token');
    return { format: 'opaque', prefixKind: null, jwt: null, ...(await storedInspection(ctx, row, now)) };
  }
  const value = input.value!;
  if (looksLikeJwt(value)) {
    const { jwt, notes } = await inspectJwt(ctx.db, value, ctx.issuer, now);
    const jti = jwt.claims.find((c) => c.name === 'jti')?.value;
    const aud = jwt.claims.find((c) => c.name === 'aud')?.value;
    const row = jwt.signature.verified && jwt.header.typ === 'at+jwt' && typeof jti === 'string' ? await findTokenRow(ctx.db, sha256Hex(jti), now) : undefined;
    if (row) {
      const stored = await storedInspection(ctx, row, now);
      return { format: 'jwt', prefixKind: null, jwt, token: stored.token, audience: stored.audience, record: stored.record, notes: [...notes, ...stored.notes] };
    }
    return { format: 'jwt', prefixKind: null, token: null, jwt, audience: typeof aud === 'string' ? aud : null, notes };
  }
  const kind = prefixKind(value);
  const row = await findTokenRow(ctx.db, sha256Hex(value), now);
  if (row) return { format: 'opaque', prefixKind: kind, jwt: null, ...(await storedInspection(ctx, row, now)) };
  const notes =
    kind === 'client secret' || kind === 'workspace API key'
      ? [`This looks like a ${kind}, not a token. Secrets are stored only as hashes and cannot be inspected; rotate it if it leaked.`]
      : kind === 'client id'
        ? ['This is a client id (public), not a token.']
        : [`No stored ${kind ?? 'code or token'} has this value: it was never issued here, or it was mistyped.`];
  return { format: 'opaque', prefixKind: kind, token: null, jwt: null, audience: null, notes };
}

export async function revokeToken(ctx: Ctx, input: ParsedInput<'tokens.revoke'>, actor: Actor): Promise<ProcedureOutput<'tokens.revoke'>> {
  const row = await findTokenRow(ctx.db, input.id);
  if (!row) throw notFound('id', 'token');
  const revoked = await revokeTokenRow(ctx.db, row);
  if (revoked) {
    ctx.activity.record({
      type: 'token.revoked',
      clientId: row.appId,
      accountId: row.userId,
      workspaceId: row.workspaceId,
      detail: { ...by(actor), kind: row.kind, id: row.id },
    });
  }
  return { revoked };
}

/** Revokes every live token and grant of an app, a user or a grant; their next use fails at once. */
export async function revokeAllTokens(ctx: Ctx, input: ParsedInput<'tokens.revokeAll'>, actor: Actor): Promise<ProcedureOutput<'tokens.revokeAll'>> {
  let scope: RevocationScope & { field: string };
  if (input.appId !== undefined) {
    if (!(await appExists(ctx.db, input.appId))) throw notFound('appId', 'app');
    scope = { column: 'client_id', value: input.appId, field: 'appId' };
  } else if (input.userId !== undefined) {
    if (!(await userExists(ctx.db, input.userId))) throw notFound('userId', 'user');
    scope = { column: 'account_id', value: input.userId, field: 'userId' };
  } else {
    if (!(await grantExists(ctx.db, input.grantId!))) throw notFound('grantId', 'grant');
    scope = { column: 'grant_id', value: input.grantId!, field: 'grantId' };
  }
  const result = await revokeTokensAndGrants(ctx.db, scope);
  ctx.activity.record({
    type: 'token.revoked_all',
    clientId: scope.column === 'client_id' ? scope.value : null,
    accountId: scope.column === 'account_id' ? scope.value : null,
    detail: { ...by(actor), [scope.field]: scope.value, ...result },
  });
  return result;
}
