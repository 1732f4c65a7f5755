import type { ConsentRedirectView, ConsentViewModel } from '../../shared/consent/ConsentScreen';
import { isLoopbackHost } from '../../shared/redirect-uris';
import { ACTOR_DESCRIPTIONS, findScope, scopeGrantable, type ActorMode } from '../../shared/scopes';
import type { ConsentPolicy } from '../../shared/settings';
import type { AppRecord } from '../store/apps-store';
import type { Db } from '../store/database';
import type { MembershipRecord, UserRecord } from '../store/identity-store';
import { findResourceServerByIdentifier, type ResourceServerRecord } from '../store/resource-servers-store';
import type { SettingsStore } from '../store/settings-store';
import { releasedClaims } from './released-claims';

/**
 * The consent decision's inputs and the consent screen's data, in one place:
 * the server's sign-in and consent pages and the console's consent preview
 * both call these, so the preview shows what the real page will.
 */

/** What a pending authorization request says about itself (the engine's interaction details). */
export interface ConsentRequest {
  params: Record<string, unknown>;
  prompt: { details: Record<string, unknown> };
}

/** The effective consent policy: the app's own, else the server's. */
export function consentPolicyFor(app: AppRecord, settings: SettingsStore): ConsentPolicy {
  return app.consentPolicy ?? settings.current.consentPolicy;
}

/** The workspace offered first: the app's own when the user belongs to it, else the user's first. */
export function preferredMembership(memberships: MembershipRecord[], app: AppRecord): MembershipRecord | undefined {
  return memberships.find((m) => m.workspace.id === app.workspaceId) ?? memberships[0];
}

/** The actor mode asked for (`actor` parameter), else the app's first allowed mode. */
export function actorFor(details: ConsentRequest, app: AppRecord): ActorMode {
  const asked = details.params.actor;
  if (asked === 'self' || asked === 'app') return asked;
  return app.actorModes[0] ?? 'self';
}

/**
 * Where the answer of the request goes: the redirect URI's host (shown, so
 * the user sees where a document-described app sends them), and whether
 * every redirect URI of the app is a loopback one, which any program on the
 * machine could listen on (the MCP specification asks to warn then).
 */
export function redirectView(redirectUri: unknown, app: Pick<AppRecord, 'redirectUris'>): ConsentRedirectView | undefined {
  const target = typeof redirectUri === 'string' ? redirectUri : app.redirectUris.length === 1 ? app.redirectUris[0] : undefined;
  const url = target ? URL.parse(target) : null;
  if (!url) return undefined;
  const loopback = (uri: string) => {
    const parsed = URL.parse(uri);
    return parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && isLoopbackHost(parsed.hostname);
  };
  return { host: url.host || url.protocol, loopbackOnly: app.redirectUris.length > 0 && app.redirectUris.every(loopback) };
}

/** The resource servers a request names (its `resource` parameter, one value or several), those that exist. */
export async function requestedResources(db: Db, issuer: string, resource: unknown): Promise<ResourceServerRecord[]> {
  const values = (Array.isArray(resource) ? resource : [resource]).filter((v): v is string => typeof v === 'string');
  const found = await Promise.all(values.map((value) => findResourceServerByIdentifier(db, issuer, value)));
  return found.filter((rs): rs is ResourceServerRecord => rs !== undefined);
}

/** A scope's consent text: the catalog's, else a requested resource server's own. */
function describeScope(name: string, resources: ResourceServerRecord[]): string {
  return findScope(name)?.description ?? resources.flatMap((rs) => rs.customScopes).find((s) => s.name === name)?.description ?? name;
}

/** The consent screen's data for a pending request: also what the console previews. */
export async function consentModel(
  details: ConsentRequest,
  app: AppRecord,
  user: UserRecord,
  memberships: MembershipRecord[],
  resources: ResourceServerRecord[] = [],
): Promise<Omit<ConsentViewModel, 'action' | 'csrf'>> {
  const actor = actorFor(details, app);
  const selected = preferredMembership(memberships, app);
  const asked = String(details.params.scope ?? '')
    .split(' ')
    .filter(Boolean);
  const redirect = redirectView(details.params.redirect_uri, app);
  return {
    ...(redirect ? { redirect } : {}),
    app: {
      name: app.name,
      clientId: app.id,
      logoUrl: app.logoUrl,
      homepageUrl: app.homepageUrl,
      privacyUrl: app.privacyUrl,
      termsUrl: app.termsUrl,
      environment: app.environment,
    },
    user: { name: user.name, email: user.email },
    workspaces: memberships.map((m) => ({ id: m.workspace.id, name: m.workspace.name, role: m.role })),
    selectedWorkspaceId: selected?.workspace.id ?? null,
    scopes: asked.map((name) => {
      const def = findScope(name);
      const grantable = scopeGrantable(name, actor, selected?.role);
      const claims = releasedClaims(name, user, selected);
      return {
        name,
        description: describeScope(name, resources),
        grantable,
        ...(claims.length ? { claims } : {}),
        ...(grantable ? {} : { note: `Needs the ${def!.minRole} role; it will not be granted.` }),
      };
    }),
    actor: { mode: actor, description: ACTOR_DESCRIPTIONS[actor] },
    ...(resources.length ? { resources: resources.map((rs) => ({ name: rs.name, identifier: rs.identifier })) } : {}),
  };
}
