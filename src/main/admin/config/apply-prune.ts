import type { ConfigChange } from '../../../shared/contract/config';
import { AdminError } from '../../../shared/contract/errors';
import { revokeApiKey, listApiKeys } from '../api-keys';
import { deleteApp } from '../apps';
import { listMemberships, listUsers, listWorkspaces, removeMembership, removeUser, removeWorkspace } from '../identity';
import { deleteResource, listResources } from '../resources';
import { deleteWebhook, listWebhooks } from '../webhooks';
import { allApps } from './apply-apps';
import type { ConfigRun } from './config-run';

/** Apps clients registered themselves are not declared state: prune leaves them (their workspace's removal takes them along). */
const RUNTIME_ORIGINS = new Set(['dynamic', 'cimd']);

/**
 * `prune: true`: each section the document has (`workspaces`, `users`,
 * `resources`, `apps`; a workspace's `members` and `apiKeys`, an app's
 * `webhooks`) names the whole of it, and what it does not name is removed
 * through the console's use cases (their rules hold: a workspace keeps an
 * OWNER; tokens of a removed app or user are revoked). A section the file
 * leaves out is not touched, nor are settings or built-in resource servers.
 * Runs after everything was created and updated, in the same unit of work.
 */
export async function applyPrune(run: ConfigRun): Promise<void> {
  const doc = run.doc;
  const remove = async (kind: ConfigChange['kind'], key: string, section: Array<string | number>, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      // A rule of the console refuses the removal (a last OWNER): say which entity, at the section that leaves it out.
      if (err instanceof AdminError) throw run.fail(section, `prune cannot remove the ${kind} ${key}: ${err.message}`);
      throw err;
    }
    run.report.deleted(kind, key, section);
  };
  for (const [i, entry] of (doc.apps ?? []).entries()) {
    if (!entry.webhooks) continue;
    const appId = run.appIds[i]!;
    const urls = new Set(entry.webhooks.map((h) => h.url));
    for (const hook of (await listWebhooks(run.ctx, { appId })).items) {
      if (!urls.has(hook.url)) await remove('webhook', `${entry.workspace}/${entry.name} ${hook.url}`, ['apps', i, 'webhooks'], () => deleteWebhook(run.ctx, { appId, id: hook.id }, run.actor));
    }
  }
  if (doc.apps) {
    const named = new Set(run.appIds);
    for (const app of await allApps(run.ctx)) {
      if (!named.has(app.id) && !RUNTIME_ORIGINS.has(app.origin)) await remove('app', app.id, ['apps'], () => deleteApp(run.ctx, { id: app.id }, run.actor));
    }
  }
  for (const [i, entry] of (doc.workspaces ?? []).entries()) {
    const workspaceId = run.workspaceIds.get(entry.slug)!;
    if (entry.apiKeys) {
      const names = new Set(entry.apiKeys.map((k) => k.name));
      for (const key of (await listApiKeys(run.ctx, { workspaceId, includeRevoked: false })).items) {
        if (!names.has(key.name)) await remove('apiKey', `${entry.slug}/${key.name}`, ['workspaces', i, 'apiKeys'], () => revokeApiKey(run.ctx, { id: key.id }, run.actor));
      }
    }
    if (entry.members) {
      const emails = new Set(entry.members.map((m) => m.user));
      for (const member of (await listMemberships(run.ctx, { workspaceId })).items) {
        if (!emails.has(member.userEmail)) {
          await remove('membership', `${entry.slug}/${member.userEmail}`, ['workspaces', i, 'members'], () => removeMembership(run.ctx, { workspaceId, userId: member.userId }, run.actor));
        }
      }
    }
  }
  if (doc.resources) {
    const kept = new Set(doc.resources.map((r) => r.identifier));
    for (const resource of (await listResources(run.ctx, {})).items) {
      if (!resource.builtIn && !kept.has(resource.identifier)) await remove('resource', resource.identifier, ['resources'], () => deleteResource(run.ctx, { id: resource.id }, run.actor));
    }
  }
  if (doc.workspaces) {
    const slugs = new Set(doc.workspaces.map((w) => w.slug));
    for (const workspace of (await listWorkspaces(run.ctx, {})).items) {
      if (!slugs.has(workspace.slug)) await remove('workspace', workspace.slug, ['workspaces'], () => removeWorkspace(run.ctx, { id: workspace.id }, run.actor));
    }
  }
  if (doc.users) {
    const emails = new Set(doc.users.map((u) => u.email));
    for (const user of (await listUsers(run.ctx, {})).items) {
      if (!emails.has(user.email)) await remove('user', user.email, ['users'], () => removeUser(run.ctx, { id: user.id }, run.actor));
    }
  }
}
