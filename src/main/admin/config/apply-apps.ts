import { appsCreateInput, appsUpdateInput, type App } from '../../../shared/contract/apps';
import { webhooksCreateInput, webhooksUpdateInput } from '../../../shared/contract/webhooks';
import { verifySecret } from '../../secrets/crypto';
import { findApp, findSecretHash } from '../../store/apps-store';
import { workspaceViews } from '../../store/workspaces-store';
import { createApp, listApps, rotateAppSecret, toApp, updateApp } from '../apps';
import { createWebhook, listWebhooks, updateWebhook } from '../webhooks';
import { APP_FIELDS, WEBHOOK_FIELDS, type AppEntry } from './config-document';
import { atEntity, changedFields, inputAt, pick } from './config-steps';
import type { ConfigRun } from './config-run';

const CREATE_FIELDS = new Set(Object.keys(appsCreateInput.shape));

/** The id of a workspace named by slug: declared in the file or already stored. */
async function workspaceIdOf(run: ConfigRun, slug: string, path: Array<string | number>): Promise<string> {
  const known = run.workspaceIds.get(slug);
  if (known) return known;
  const found = (await workspaceViews(run.ctx.db, { search: slug })).find((w) => w.slug === slug);
  if (!found) throw run.fail(path, `no workspace has the slug "${slug}": declare it under workspaces`);
  run.workspaceIds.set(slug, found.id);
  return found.id;
}

/** Every app (of a workspace, when given), all pages. */
export async function allApps(ctx: ConfigRun['ctx'], workspaceId?: string): Promise<App[]> {
  const apps: App[] = [];
  let cursor: string | undefined;
  do {
    const page = await listApps(ctx, { limit: 200, ...(workspaceId ? { workspaceId } : {}), ...(cursor ? { cursor } : {}) });
    apps.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return apps;
}

/** The stored app an entry names: by client id when it gives one, else by name within its workspace. */
async function existingApp(run: ConfigRun, entry: AppEntry, workspaceId: string, path: Array<string | number>): Promise<App | undefined> {
  if (entry.clientId) {
    const record = await findApp(run.ctx.db, entry.clientId);
    if (record && record.workspaceId !== workspaceId) throw run.fail([...path, 'workspace'], `the app ${entry.clientId} belongs to another workspace; an app cannot move`);
    return record ? toApp(record, run.ctx.settings) : undefined;
  }
  const named = (await allApps(run.ctx, workspaceId)).filter((app) => app.name === entry.name);
  if (named.length > 1) throw run.fail([...path, 'name'], `${named.length} apps of ${entry.workspace} are named "${entry.name}": give clientId to say which`);
  return named[0];
}

async function createDeclaredApp(run: ConfigRun, entry: AppEntry, workspaceId: string, path: Array<string | number>): Promise<App> {
  const declared = pick(entry, APP_FIELDS.concat('clientType'));
  const createPart = Object.fromEntries(Object.entries(declared).filter(([key]) => CREATE_FIELDS.has(key)));
  const input = inputAt(run.source, path, appsCreateInput, { workspaceId, ...createPart });
  if (entry.clientSecret && input.clientType !== 'confidential') throw run.fail([...path, 'clientSecret'], 'only a confidential app has a client secret');
  const { app } = await atEntity(run.source, path, () =>
    createApp(run.ctx, input, { origin: 'seed', actor: run.actor, ...(entry.clientId ? { clientId: entry.clientId } : {}), ...(entry.clientSecret ? { clientSecret: entry.clientSecret } : {}) }),
  );
  // Fields the create call does not take (per-app settings) are set right after, in the same unit.
  const rest = Object.keys(declared).filter((key) => !CREATE_FIELDS.has(key));
  if (rest.length === 0) return app;
  const update = inputAt(run.source, path, appsUpdateInput, { id: app.id, ...pick(declared, rest) });
  return atEntity(run.source, path, () => updateApp(run.ctx, update, run.actor));
}

/** The file's secret, if it is not the app's now (compared by hash): set, as a rotation to a known value. */
async function applySecret(run: ConfigRun, entry: AppEntry, app: App, path: Array<string | number>): Promise<string[]> {
  if (!entry.clientSecret) return [];
  if (app.clientType !== 'confidential') throw run.fail([...path, 'clientSecret'], 'only a confidential app has a client secret');
  if (verifySecret(entry.clientSecret, await findSecretHash(run.ctx.db, app.id))) return [];
  await atEntity(run.source, path, () => rotateAppSecret(run.ctx, { id: app.id }, run.actor, entry.clientSecret));
  return ['clientSecret'];
}

/** An app's declared webhooks, by URL: created (with a new signing secret, never shown here) or updated. */
async function applyWebhooks(run: ConfigRun, entry: AppEntry, appId: string, path: Array<string | number>): Promise<void> {
  if (!entry.webhooks?.length) return;
  const existing = new Map((await listWebhooks(run.ctx, { appId })).items.map((w) => [w.url, w]));
  for (const [j, hook] of entry.webhooks.entries()) {
    const hookPath = [...path, 'webhooks', j];
    const key = `${entry.workspace}/${entry.name} ${hook.url}`;
    const current = existing.get(hook.url);
    if (!current) {
      const input = inputAt(run.source, hookPath, webhooksCreateInput, { appId, ...pick(hook, WEBHOOK_FIELDS) });
      await atEntity(run.source, hookPath, () => createWebhook(run.ctx, input, run.actor));
      run.report.created('webhook', key, hookPath);
      continue;
    }
    const fields = changedFields(hook, current, WEBHOOK_FIELDS);
    if (fields.length) {
      const input = inputAt(run.source, hookPath, webhooksUpdateInput, { appId, id: current.id, ...pick(hook, fields) });
      await atEntity(run.source, hookPath, () => updateWebhook(run.ctx, input, run.actor));
    }
    run.report.updatedOrNot('webhook', key, hookPath, fields);
  }
}

/** Apps by client id (else name in their workspace): created, or their declared fields set; then their webhooks. */
export async function applyApps(run: ConfigRun): Promise<void> {
  for (const [i, entry] of (run.doc.apps ?? []).entries()) {
    const path = ['apps', i];
    const key = `${entry.workspace}/${entry.name}`;
    const workspaceId = await workspaceIdOf(run, entry.workspace, [...path, 'workspace']);
    let app = await existingApp(run, entry, workspaceId, path);
    if (!app) {
      app = await createDeclaredApp(run, entry, workspaceId, path);
      run.report.created('app', key, path);
    } else {
      if (entry.clientType && entry.clientType !== app.clientType) throw run.fail([...path, 'clientType'], `the app is ${app.clientType}; a client type cannot change (create another app)`);
      const fields = changedFields(entry, app, APP_FIELDS);
      if (fields.length) {
        const input = inputAt(run.source, path, appsUpdateInput, { id: app.id, ...pick(entry, fields) });
        const current = app;
        await atEntity(run.source, path, () => updateApp(run.ctx, { ...input, id: current.id }, run.actor));
      }
      run.report.updatedOrNot('app', key, path, [...fields, ...(await applySecret(run, entry, app, path))]);
    }
    run.appIds[i] = app.id;
    await applyWebhooks(run, entry, app.id, path);
  }
}
