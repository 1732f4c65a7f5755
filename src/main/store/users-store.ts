import type { User } from '../../shared/contract/identity';
import type { Db } from './database';
import { toUser, type UserRecord } from './identity-store';
import { containsText } from './text-search';
import { APP_BOUND_MODELS, revokeRows } from './tokens-store';

/** Users with their memberships, oldest first; filtered by ids, a search text or a workspace. */
export async function userViews(db: Db, where: { ids?: string[]; search?: string; workspaceId?: string } = {}): Promise<User[]> {
  let query = db.selectFrom('users').selectAll();
  if (where.ids) query = query.where('id', 'in', where.ids.length ? where.ids : ['']);
  const search = where.search;
  if (search) query = query.where((eb) => containsText([eb.ref('name'), eb.ref('email')], search));
  const ws = where.workspaceId;
  if (ws) {
    query = query.where((eb) => eb.exists(eb.selectFrom('memberships').select('user_id').whereRef('memberships.user_id', '=', 'users.id').where('memberships.workspace_id', '=', ws)));
  }
  const users = await query.orderBy('created_at').orderBy('email').execute();
  if (!users.length) return [];
  const memberships = await db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['memberships.user_id', 'memberships.workspace_id', 'workspaces.name', 'memberships.role'])
    .where('memberships.user_id', 'in', users.map((u) => u.id))
    .orderBy('memberships.created_at')
    .execute();
  return users.map((u) => ({
    ...toUser(u),
    memberships: memberships.filter((m) => m.user_id === u.id).map((m) => ({ workspaceId: m.workspace_id, workspaceName: m.name, role: m.role })),
  }));
}

/** What an admin sets on a user. */
export type UserFields = Omit<UserRecord, 'id' | 'createdAt'>;

function columns(fields: UserFields) {
  return {
    email: fields.email,
    name: fields.name,
    given_name: fields.givenName,
    family_name: fields.familyName,
    picture: fields.picture,
    groups: JSON.stringify(fields.groups),
    locale: fields.locale,
    email_verified: fields.emailVerified ? 1 : 0,
    phone_number: fields.phoneNumber,
    phone_number_verified: fields.phoneNumberVerified ? 1 : 0,
    extra_claims: JSON.stringify(fields.extraClaims),
  };
}

export async function insertUser(db: Db, id: string, fields: UserFields): Promise<void> {
  await db
    .insertInto('users')
    .values({ id, ...columns(fields), created_at: Date.now() })
    .execute();
}

export async function updateUserRow(db: Db, id: string, fields: UserFields): Promise<void> {
  await db.updateTable('users').set(columns(fields)).where('id', '=', id).execute();
}

/** Removes a user: revokes their live tokens and grants, ends their sign-in sessions; memberships cascade. */
export async function removeUserCascade(db: Db, id: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const revoked = await revokeRows(trx, (eb) => eb.and([eb('account_id', '=', id), eb('kind', 'in', APP_BOUND_MODELS)]));
    await trx.deleteFrom('oidc_models').where('kind', '=', 'Session').where('account_id', '=', id).execute();
    await trx.deleteFrom('users').where('id', '=', id).execute();
    return revoked;
  });
}

export async function userExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Users' emails and names by id, for labelling rows that carry only ids. */
export async function usersById(db: Db, ids: string[]): Promise<Map<string, { email: string; name: string }>> {
  if (!ids.length) return new Map();
  return new Map((await db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', ids).execute()).map((u) => [u.id, { email: u.email, name: u.name }]));
}
