import { roleReaches, type Role } from './roles';

export { roleReaches };
export type RoleName = Role;

export interface ScopeDefinition {
  name: string;
  /** What the consent screen says the app will be able to do. */
  description: string;
  kind: 'oidc' | 'resource';
  /** Claims released by userinfo and the ID token for this scope. */
  claims: readonly string[];
  /** Lowest workspace role allowed to use it when acting as the user. */
  minRole: RoleName;
}

/**
 * The scope catalog: data, not code. The engine's scope list, the claims
 * mapping, the consent screen and the resource API all read from here.
 */
export const SCOPE_CATALOG: readonly ScopeDefinition[] = [
  { name: 'openid', kind: 'oidc', description: 'Sign you in and know who you are', claims: ['sub'], minRole: 'MEMBER' },
  {
    name: 'profile',
    kind: 'oidc',
    description: 'See your name and profile picture',
    claims: ['name', 'given_name', 'family_name', 'picture', 'locale', 'preferred_username', 'updated_at', 'workspace'],
    minRole: 'MEMBER',
  },
  { name: 'email', kind: 'oidc', description: 'See your email address', claims: ['email', 'email_verified'], minRole: 'MEMBER' },
  { name: 'phone', kind: 'oidc', description: 'See your phone number', claims: ['phone_number', 'phone_number_verified'], minRole: 'MEMBER' },
  { name: 'offline_access', kind: 'oidc', description: 'Keep access while you are away (refresh tokens)', claims: [], minRole: 'MEMBER' },
  { name: 'groups', kind: 'oidc', description: 'See the groups you belong to', claims: ['groups'], minRole: 'MEMBER' },
  { name: 'roles', kind: 'oidc', description: 'See your role in the workspace', claims: ['roles', 'workspace'], minRole: 'MEMBER' },
  { name: 'read:user', kind: 'resource', description: 'Read your user information', claims: [], minRole: 'MEMBER' },
  { name: 'write:user', kind: 'resource', description: 'Change your user information', claims: [], minRole: 'MEMBER' },
  { name: 'read:organization', kind: 'resource', description: 'Read workspace data', claims: [], minRole: 'MEMBER' },
  { name: 'write:organization', kind: 'resource', description: 'Create and change workspace data, such as comments', claims: [], minRole: 'MEMBER' },
  { name: 'read:members', kind: 'resource', description: 'See the members of the workspace', claims: [], minRole: 'MEMBER' },
  { name: 'write:members', kind: 'resource', description: 'Invite, change and remove workspace members', claims: [], minRole: 'ADMIN' },
  { name: 'read:webhooks', kind: 'resource', description: 'Read webhook configuration', claims: [], minRole: 'ADMIN' },
  { name: 'write:webhooks', kind: 'resource', description: 'Manage webhooks', claims: [], minRole: 'ADMIN' },
  { name: 'admin:organization', kind: 'resource', description: 'Full administration of the workspace, including its apps', claims: [], minRole: 'ADMIN' },
  { name: 'admin:all', kind: 'resource', description: 'Full system access: everything every other scope allows', claims: [], minRole: 'OWNER' },
];

/**
 * Seed 001's "full system access": it satisfies every resource scope check
 * (see `satisfyingScope`), only an OWNER's consent grants it, whatever the
 * actor, and client-credentials tokens never carry it.
 */
export const FULL_ACCESS_SCOPE = 'admin:all';

export const SCOPE_NAMES: readonly string[] = SCOPE_CATALOG.map((s) => s.name);

const BY_NAME = new Map(SCOPE_CATALOG.map((s) => [s.name, s]));

export function findScope(name: string): ScopeDefinition | undefined {
  return BY_NAME.get(name);
}

/** Splits a space-separated scope string into known, unique names in catalog order. */
export function parseScope(scope: string | null | undefined): string[] {
  const asked = new Set((scope ?? '').split(' ').filter(Boolean));
  return SCOPE_NAMES.filter((name) => asked.has(name));
}

/** The claims released per scope, in the shape oidc-provider's `claims` option takes. */
export function claimsByScope(): Record<string, string[]> {
  return Object.fromEntries(SCOPE_CATALOG.filter((s) => s.claims.length > 0).map((s) => [s.name, [...s.claims]]));
}

export const ACTOR_MODES = ['self', 'app'] as const;
export type ActorMode = (typeof ACTOR_MODES)[number];

/** True when `role` is at least `needed` (no role reaches nothing). */
/**
 * Whether consenting grants `scope`: an app acting as itself gets every
 * scope it asked for; acting as the user, only scopes the user's role
 * reaches. Scopes outside the catalog carry no role limit. `admin:all` is
 * the exception: only an OWNER grants it, to the user's token or the bot's.
 */
export function scopeGrantable(scope: string, actor: ActorMode, role: RoleName | undefined): boolean {
  if (scope === FULL_ACCESS_SCOPE) return roleReaches(role, 'OWNER');
  if (actor === 'app') return true;
  const def = findScope(scope);
  return !def || roleReaches(role, def.minRole);
}

/**
 * The granted scope that allows a call needing `needed`: the scope itself,
 * else `admin:all`; undefined when neither was granted. The caller checks
 * the role of the scope it gets back (`admin:all` needs an OWNER).
 *
 * @example satisfyingScope(new Set(['admin:all']), 'write:members') // 'admin:all'
 */
export function satisfyingScope(granted: ReadonlySet<string>, needed: string): string | undefined {
  if (granted.has(needed)) return needed;
  return granted.has(FULL_ACCESS_SCOPE) ? FULL_ACCESS_SCOPE : undefined;
}

export const ACTOR_DESCRIPTIONS: Record<ActorMode, string> = {
  self: 'acts as you, limited by your role in the workspace',
  app: 'acts as its own bot identity inside the workspace',
};
