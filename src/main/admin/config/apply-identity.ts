import { usersCreateInput, usersUpdateInput, type User } from '../../../shared/contract/identity';
import { findLiveApiKeyByValue } from '../../store/api-keys-store';
import { createApiKey, listApiKeys, revokeApiKey } from '../api-keys';
import { createMembership, createUser, createWorkspace, listMemberships, listUsers, listWorkspaces, updateMembership, updateUser, updateWorkspace } from '../identity';
import { USER_FIELDS } from './config-document';
import { atEntity, changedFields, inputAt, pick } from './config-steps';
import type { ConfigRun } from './config-run';

const USER_CREATE_FIELDS = Object.keys(usersCreateInput.shape);

/** Workspaces by slug: created, or renamed to the file's name. */
export async function applyWorkspaces(run: ConfigRun): Promise<void> {
  const existing = new Map((await listWorkspaces(run.ctx, {})).items.map((w) => [w.slug, w]));
  for (const [i, entry] of (run.doc.workspaces ?? []).entries()) {
    const path = ['workspaces', i];
    const current = existing.get(entry.slug);
    if (!current) {
      const created = await atEntity(run.source, path, () => createWorkspace(run.ctx, { name: entry.name, slug: entry.slug }, run.actor));
      run.workspaceIds.set(entry.slug, created.id);
      run.report.created('workspace', entry.slug, path);
      continue;
    }
    run.workspaceIds.set(entry.slug, current.id);
    const fields = changedFields(entry, current, ['name']);
    if (fields.length) await atEntity(run.source, path, () => updateWorkspace(run.ctx, { id: current.id, name: entry.name }, run.actor));
    run.report.updatedOrNot('workspace', entry.slug, path, fields);
  }
}

/** Users by email: created, or their declared fields set. */
export async function applyUsers(run: ConfigRun): Promise<void> {
  const existing = new Map((await listUsers(run.ctx, {})).items.map((u) => [u.email, u]));
  for (const [i, entry] of (run.doc.users ?? []).entries()) {
    const path = ['users', i];
    const current = existing.get(entry.email);
    if (!current) {
      const input = inputAt(run.source, path, usersCreateInput, pick(entry, USER_CREATE_FIELDS));
      const created = await atEntity(run.source, path, () => createUser(run.ctx, input, run.actor));
      run.userIds.set(entry.email, created.id);
      run.report.created('user', entry.email, path);
      continue;
    }
    run.userIds.set(entry.email, current.id);
    const fields = changedFields(entry, current as unknown as Record<string, unknown>, USER_FIELDS);
    if (fields.length) {
      const input = inputAt(run.source, path, usersUpdateInput, { id: current.id, ...pick(entry, fields) });
      await atEntity(run.source, path, () => updateUser(run.ctx, input, run.actor));
    }
    run.report.updatedOrNot('user', entry.email, path, fields);
  }
}

/** The id of a user named by email: declared in the file or already stored. */
async function userIdOf(run: ConfigRun, email: string, path: Array<string | number>): Promise<string> {
  const known = run.userIds.get(email);
  if (known) return known;
  const found: User | undefined = (await listUsers(run.ctx, { search: email })).items.find((u) => u.email === email);
  if (!found) throw run.fail(path, `no user has the email ${email}: declare it under users`);
  run.userIds.set(email, found.id);
  return found.id;
}

/** Each workspace's declared members: added, or given the declared role. Members not listed stay. */
export async function applyMembers(run: ConfigRun): Promise<void> {
  for (const [i, entry] of (run.doc.workspaces ?? []).entries()) {
    if (!entry.members?.length) continue;
    const workspaceId = run.workspaceIds.get(entry.slug)!;
    const roles = new Map((await listMemberships(run.ctx, { workspaceId })).items.map((m) => [m.userId, m.role]));
    for (const [j, member] of entry.members.entries()) {
      const path = ['workspaces', i, 'members', j];
      const userId = await userIdOf(run, member.user, [...path, 'user']);
      const key = `${entry.slug}/${member.user}`;
      const role = roles.get(userId);
      if (role === undefined) {
        await atEntity(run.source, path, () => createMembership(run.ctx, { workspaceId, userId, role: member.role }, run.actor));
        run.report.created('membership', key, path);
      } else {
        if (role !== member.role) await atEntity(run.source, path, () => updateMembership(run.ctx, { workspaceId, userId, role: member.role }, run.actor));
        run.report.updatedOrNot('membership', key, path, role !== member.role ? ['role'] : []);
      }
    }
  }
}

/**
 * API keys with known values, by name within their workspace. A live key of
 * that name with another value is revoked and the file's takes its place;
 * the values are stored hashed and never written to a report or a log.
 */
export async function applyApiKeys(run: ConfigRun): Promise<void> {
  for (const [i, entry] of (run.doc.workspaces ?? []).entries()) {
    if (!entry.apiKeys?.length) continue;
    const workspaceId = run.workspaceIds.get(entry.slug)!;
    const live = (await listApiKeys(run.ctx, { workspaceId, includeRevoked: false })).items;
    for (const [j, declared] of entry.apiKeys.entries()) {
      const path = ['workspaces', i, 'apiKeys', j];
      const key = `${entry.slug}/${declared.name}`;
      const holder = await findLiveApiKeyByValue(run.ctx.db, declared.key);
      if (holder && holder.workspaceId === workspaceId && holder.name === declared.name) {
        run.report.updatedOrNot('apiKey', key, path, []);
        continue;
      }
      if (holder) throw run.fail([...path, 'key'], `this key value already belongs to the API key "${holder.name}" of another workspace or name`);
      const replaced = live.filter((k) => k.name === declared.name);
      for (const old of replaced) await atEntity(run.source, path, () => revokeApiKey(run.ctx, { id: old.id }, run.actor));
      await atEntity(run.source, path, () => createApiKey(run.ctx, { workspaceId, name: declared.name }, run.actor, declared.key));
      if (replaced.length) run.report.updatedOrNot('apiKey', key, path, ['key']);
      else run.report.created('apiKey', key, path);
    }
  }
}
