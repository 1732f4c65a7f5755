import { stringify } from 'yaml';
import type { ConfigFormat } from '../../../shared/contract/config';
import type { ProcedureOutput } from '../../../shared/contract/procedures';
import { listMemberships, listUsers, listWorkspaces } from '../identity';
import { listResources } from '../resources';
import { getSettings } from '../server-admin';
import { listSimulation } from '../simulation';
import { listWebhooks } from '../webhooks';
import { declaredRule } from './apply-simulation';
import { allApps } from './apply-apps';
import { APP_FIELDS, CONFIG_VERSION, RESOURCE_FIELDS, SETTING_FIELDS, USER_FIELDS, WEBHOOK_FIELDS } from './config-document';
import type { ConfigCtx } from './config-run';
import { pick } from './config-steps';

/** Apps that clients registered themselves (RFC 7591, metadata documents) come back by themselves: they are not declared state. */
const RUNTIME_ORIGINS = new Set(['dynamic', 'cimd']);

/** Fields without a value are left out: absent means "as the server makes it" on the way back in. */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

const byText = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * The declared state as a document, in a stable order (by key), so that
 * exporting, importing into a fresh server and exporting again gives the
 * same text. Never a secret: client secrets, API keys and webhook signing
 * secrets stay out (API keys altogether: a key is only its value).
 */
export async function buildConfigDocument(ctx: ConfigCtx): Promise<Record<string, unknown>> {
  const workspaces = (await listWorkspaces(ctx, {})).items.sort(byText((w) => w.slug));
  const slugOf = new Map(workspaces.map((w) => [w.id, w.slug]));
  const settings = await getSettings(ctx);
  const registrationSlug = settings.registrationWorkspaceId ? slugOf.get(settings.registrationWorkspaceId) : undefined;
  const members = (await listMemberships(ctx, {})).items;
  const users = (await listUsers(ctx, {})).items.sort(byText((u) => u.email));
  const resources = (await listResources(ctx, {})).items.filter((r) => !r.builtIn || r.updatedAt !== r.createdAt);
  const rules = (await listSimulation(ctx)).items.filter((rule) => rule.spentAt === null).map(declaredRule).sort(byText((r) => JSON.stringify(r)));
  const apps = (await allApps(ctx)).filter((a) => !RUNTIME_ORIGINS.has(a.origin)).sort(byText((a) => `${slugOf.get(a.workspaceId)}\u0000${a.name}\u0000${a.id}`));
  return {
    version: CONFIG_VERSION,
    settings: { ...pick(settings, SETTING_FIELDS), ...(registrationSlug ? { registrationWorkspace: registrationSlug } : {}) },
    workspaces: workspaces.map((w) => {
      const own = members.filter((m) => m.workspaceId === w.id).sort(byText((m) => m.userEmail));
      return { slug: w.slug, name: w.name, ...(own.length ? { members: own.map((m) => ({ user: m.userEmail, role: m.role })) } : {}) };
    }),
    users: users.map((u) => withoutNulls({ email: u.email, ...pick(u, USER_FIELDS) })),
    resources: resources
      .map((r) => withoutNulls({ identifier: r.builtIn ? r.identifier.slice(ctx.issuer.length) : r.identifier, ...pick(r, RESOURCE_FIELDS) }))
      .sort(byText((r) => String(r.identifier))),
    apps: await Promise.all(
      apps.map(async (a) => {
        const hooks = (await listWebhooks(ctx, { appId: a.id })).items.sort(byText((h) => h.url));
        return withoutNulls({
          workspace: slugOf.get(a.workspaceId),
          name: a.name,
          clientId: a.id,
          clientType: a.clientType,
          ...pick(a, APP_FIELDS),
          ...(hooks.length ? { webhooks: hooks.map((h) => withoutNulls({ url: h.url, ...pick(h, WEBHOOK_FIELDS) })) } : {}),
        });
      }),
    ),
    simulation: rules,
  };
}

const YAML_HEADER = '# OAuth Console configuration (see the README, "Configuration as code").\n# No secrets: client secrets, API keys and webhook signing secrets are never exported.\n';

export async function exportConfig(ctx: ConfigCtx, format: ConfigFormat): Promise<ProcedureOutput<'config.export'>> {
  const doc = await buildConfigDocument(ctx);
  const document = format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `${YAML_HEADER}${stringify(doc, { lineWidth: 0 })}`;
  return { format, document, fileName: `oauth-console-config.${format}` };
}
