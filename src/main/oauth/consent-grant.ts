import type Provider from 'oidc-provider';
import { scopeGrantable, type ActorMode } from '../../shared/scopes';
import type { AppRecord } from '../store/apps-store';
import type { Db } from '../store/database';
import { grantContext, setGrantContext } from '../store/grants-store';
import type { MembershipRecord } from '../store/identity-store';
import { actorFor, type ConsentRequest } from './consent-model';

/** What the engine says is still missing from the grant (`prompt.details` of a consent prompt). */
interface MissingGrant {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/** A consent request as the engine holds it: the request, the earlier grant if any, and who signed in. */
export interface PendingConsent extends ConsentRequest {
  grantId?: string | undefined;
  session?: { accountId: string } | undefined;
}

export interface SavedGrant {
  grantId: string;
  actor: ActorMode;
  granted: string[];
  rejected: string[];
}

/**
 * Builds and saves the grant of an approved consent for the chosen workspace
 * and actor: each asked scope, for the engine's own catalog or for a
 * resource server, is granted when the member's role allows it for that
 * actor, else rejected (the one role rule). An earlier grant is
 * extended only when it was for the same workspace and actor.
 */
export async function saveConsentGrant(provider: Provider, db: Db, details: PendingConsent, app: AppRecord, membership: MembershipRecord): Promise<SavedGrant> {
  const accountId = details.session!.accountId;
  const actor = actorFor(details, app);
  const missing = details.prompt.details as MissingGrant;
  let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  if (grant) {
    const context = await grantContext(db, details.grantId!);
    if (context?.workspaceId !== membership.workspace.id || context?.actor !== actor) grant = undefined;
  }
  grant ??= new provider.Grant({ accountId, clientId: app.id });
  const granted: string[] = [];
  const rejected: string[] = [];
  for (const scope of missing.missingOIDCScope ?? []) (scopeGrantable(scope, actor, membership.role) ? granted : rejected).push(scope);
  if (granted.length) grant.addOIDCScope(granted.join(' '));
  if (rejected.length) grant.rejectOIDCScope(rejected.join(' '));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  // Scopes for a resource server (RFC 8707 `resource`) obey the same role rule; its own scopes carry no role limit.
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    const allowed = scopes.filter((scope) => scopeGrantable(scope, actor, membership.role));
    const refused = scopes.filter((scope) => !allowed.includes(scope));
    if (allowed.length) grant.addResourceScope(indicator, allowed.join(' '));
    if (refused.length) grant.rejectResourceScope(indicator, refused.join(' '));
    for (const scope of allowed) if (!granted.includes(scope)) granted.push(scope);
    for (const scope of refused) if (!rejected.includes(scope)) rejected.push(scope);
  }
  const grantId = await grant.save();
  await setGrantContext(db, grantId, { workspaceId: membership.workspace.id, actor });
  return { grantId, actor, granted, rejected };
}
