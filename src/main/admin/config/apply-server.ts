import { resourcesCreateInput, resourcesUpdateInput, type ResourceServer } from '../../../shared/contract/resources';
import { settingsUpdateInput } from '../../../shared/contract/server';
import { workspaceViews } from '../../store/workspaces-store';
import { createResource, listResources, updateResource } from '../resources';
import { getSettings, updateSettings } from '../server-admin';
import { RESOURCE_FIELDS, SETTING_FIELDS } from './config-document';
import { atEntity, changedFields, inputAt, pick } from './config-steps';
import type { ConfigRun } from './config-run';


/** A path (`/api/v1`, `/mcp`) names a built-in resource server: its identifier follows the issuer of each run. */
export function isBuiltInReference(identifier: string): boolean {
  return identifier.startsWith('/');
}

/** The stored resource server an entry names, or a problem for a path that names no built-in one. */
function existingResource(run: ConfigRun, all: ResourceServer[], identifier: string, path: Array<string | number>): ResourceServer | undefined {
  if (!isBuiltInReference(identifier)) return all.find((r) => r.identifier === identifier);
  const builtIn = all.find((r) => r.builtIn && r.identifier === `${run.ctx.issuer}${identifier}`);
  if (!builtIn) {
    const paths = all.filter((r) => r.builtIn).map((r) => r.identifier.slice(run.ctx.issuer.length));
    throw run.fail([...path, 'identifier'], `no built-in resource server has the path ${identifier} (built in: ${paths.join(', ')}); other resource servers are named by an absolute URI`);
  }
  return builtIn;
}

/** Resource servers by identifier: created, or their declared fields set (a built-in one is only updated). */
export async function applyResources(run: ConfigRun): Promise<void> {
  const all = (await listResources(run.ctx, {})).items;
  for (const [i, entry] of (run.doc.resources ?? []).entries()) {
    const path = ['resources', i];
    const current = existingResource(run, all, entry.identifier, path);
    if (!current) {
      const input = inputAt(run.source, path, resourcesCreateInput, { ...pick(entry, RESOURCE_FIELDS), identifier: entry.identifier });
      await atEntity(run.source, path, () => createResource(run.ctx, input, run.actor));
      run.report.created('resource', entry.identifier, path);
      continue;
    }
    const fields = changedFields(entry, current, RESOURCE_FIELDS);
    if (fields.length) {
      const input = inputAt(run.source, path, resourcesUpdateInput, { id: current.id, ...pick(entry, fields) });
      await atEntity(run.source, path, () => updateResource(run.ctx, input, run.actor));
    }
    run.report.updatedOrNot('resource', entry.identifier, path, fields);
  }
}

/** The declared settings that differ from the current ones, in one `settings.update`. */
export async function applySettings(run: ConfigRun): Promise<void> {
  const entry = run.doc.settings;
  if (!entry) return;
  const path = ['settings'];
  const current = await getSettings(run.ctx);
  const fields = changedFields(entry, current, SETTING_FIELDS);
  const patch: Record<string, unknown> = pick(entry, fields);
  if (entry.registrationWorkspace !== undefined) {
    const slug = entry.registrationWorkspace;
    const id = run.workspaceIds.get(slug) ?? (await workspaceViews(run.ctx.db, { search: slug })).find((w) => w.slug === slug)?.id;
    if (!id) throw run.fail([...path, 'registrationWorkspace'], `no workspace has the slug "${slug}": declare it under workspaces`);
    if (id !== current.registrationWorkspaceId) {
      patch.registrationWorkspaceId = id;
      fields.push('registrationWorkspace');
    }
  }
  if (fields.length) {
    const input = inputAt(run.source, path, settingsUpdateInput, patch);
    await atEntity(run.source, path, () => updateSettings(run.ctx, input, run.actor));
  }
  run.report.updatedOrNot('settings', 'settings', path, fields);
}
