import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Session } from '../../shared/contract/sessions';
import { sha256Hex } from '../secrets/crypto';
import { appNames } from '../store/apps-store';
import { findUser } from '../store/identity-store';
import { deleteSessionByUid, deleteSessionsOfAccount, listSessionRows, type SessionRow } from '../store/oidc-models-store';
import { usersById } from '../store/users-store';
import { by, type Actor, type AdminServer } from './context';
import { notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity'>;

/** What the console reads of a session's stored JSON (the engine's `Session` payload). */
interface SessionPayload {
  loginTs?: number;
  authorizations?: Record<string, { grantId?: string } | undefined>;
}

function readPayload(payload: string): SessionPayload {
  try {
    const parsed = JSON.parse(payload) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as SessionPayload) : {};
  } catch {
    return {};
  }
}

/**
 * Live sessions of the sign-in pages, newest first. A session's apps are the
 * engine's authorizations in it; their grant ids are shown as the
 * connection ids the console knows (the stored hash), never as the engine's
 * own value.
 */
export async function listSessions(ctx: Ctx, input: ParsedInput<'sessions.list'>): Promise<ProcedureOutput<'sessions.list'>> {
  const rows = await listSessionRows(ctx.db, input.userId === undefined ? {} : { accountId: input.userId }, Date.now());
  const parsed = rows.map((row) => ({ row, payload: readPayload(row.payload) }));
  const appIds = [...new Set(parsed.flatMap(({ payload }) => Object.keys(payload.authorizations ?? {})))];
  const apps = await appNames(ctx.db, appIds);
  const users = await usersById(ctx.db, [...new Set(rows.map((r) => r.accountId))]);
  return { items: parsed.map(({ row, payload }) => toSession(row, payload, apps, users)) };
}

function toSession(row: SessionRow, payload: SessionPayload, apps: Map<string, string>, users: Map<string, { email: string; name: string }>): Session {
  const user = users.get(row.accountId);
  return {
    id: row.uid,
    userId: row.accountId,
    userName: user?.name ?? null,
    userEmail: user?.email ?? null,
    signedInAt: typeof payload.loginTs === 'number' ? payload.loginTs * 1000 : null,
    expiresAt: row.expiresAt,
    apps: Object.entries(payload.authorizations ?? {}).map(([appId, authorization]) => ({
      appId,
      appName: apps.get(appId) ?? null,
      grantId: typeof authorization?.grantId === 'string' ? sha256Hex(authorization.grantId) : null,
    })),
  };
}

/**
 * Ends one session: its browser is signed out of the server's pages. The
 * session's connections and tokens stay (revoke those on the Connections or
 * Tokens screens): this is "the user signed out", not "the app lost access".
 */
export async function endSession(ctx: Ctx, input: ParsedInput<'sessions.end'>, actor: Actor): Promise<ProcedureOutput<'sessions.end'>> {
  const ended = await deleteSessionByUid(ctx.db, input.id, Date.now());
  if (!ended) throw notFound('id', 'session');
  ctx.activity.record({ type: 'session.revoked', accountId: ended.accountId, detail: { ...by(actor), session: input.id } });
  return { ended: true, userId: ended.accountId };
}

/** Ends every session of one user (in every browser); how many were live. */
export async function endAllSessionsOfUser(ctx: Ctx, input: ParsedInput<'sessions.endAllForUser'>, actor: Actor): Promise<ProcedureOutput<'sessions.endAllForUser'>> {
  const user = await findUser(ctx.db, input.userId);
  if (!user) throw notFound('userId', 'user');
  const ended = await deleteSessionsOfAccount(ctx.db, user.id, Date.now());
  ctx.activity.record({ type: 'session.revoked_all', accountId: user.id, detail: { ...by(actor), ended } });
  return { ended };
}
