import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, type JWK } from 'jose';
import type { TokenInspection } from '../../shared/contract/tokens';
import { PREFIX } from '../../shared/prefixes';
import { findScope } from '../../shared/scopes';
import type { Db } from '../store/database';
import { appNames } from '../store/apps-store';
import { listSigningKeys } from '../store/signing-keys-store';
import { usersById } from '../store/users-store';

type JwtInspection = NonNullable<TokenInspection['jwt']>;

/** What each of our prefixes announces. */
const PREFIX_KINDS: Array<[string, string]> = [
  [PREFIX.accessToken, 'access token'],
  [PREFIX.refreshToken, 'refresh token'],
  [PREFIX.authorizationCode, 'authorization code'],
  [PREFIX.clientCredentials, 'client-credentials access token'],
  [PREFIX.registrationAccessToken, 'registration access token'],
  [PREFIX.initialAccessToken, 'initial access token'],
  [PREFIX.clientSecret, 'client secret'],
  [PREFIX.apiKey, 'workspace API key'],
  [PREFIX.clientId, 'client id'],
];

export function prefixKind(value: string): string | null {
  return PREFIX_KINDS.find(([prefix]) => value.startsWith(prefix))?.[1] ?? null;
}

/** Three base64url parts whose first decodes to a JOSE header. */
export function looksLikeJwt(value: string): boolean {
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(value)) return false;
  try {
    return typeof decodeProtectedHeader(value).alg === 'string';
  } catch {
    return false;
  }
}

/** "in 3 hours", "5 minutes ago": relative to `now`. */
export function relativeTime(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [size, unit] = units.find(([u]) => abs >= u) ?? [1000, 'second'];
  const n = Math.max(1, Math.round(abs / size));
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

function when(seconds: unknown, now: number): string {
  if (typeof seconds !== 'number') return 'not a number of seconds, as it should be';
  const ms = seconds * 1000;
  return `${new Date(ms).toISOString()} (${relativeTime(ms, now)})`;
}

interface ExplainContext {
  issuer: string;
  now: number;
  names: { apps: Map<string, string>; users: Map<string, string> };
}

type Explainer = (value: unknown, ctx: ExplainContext) => string;

const CLAIMS: Record<string, Explainer> = {
  iss: (v, c) => `Issuer: who made the token.${v === c.issuer ? ' This server.' : ` Not this server (${c.issuer}).`}`,
  sub: (v, c) => `Subject: the user it is about${typeof v === 'string' && c.names.users.has(v) ? ` (${c.names.users.get(v)})` : ''}.`,
  aud: (v, c) => {
    const list = Array.isArray(v) ? v : [v];
    const named = list.map((a) => (typeof a === 'string' && c.names.apps.has(a) ? `${a} (${c.names.apps.get(a)})` : String(a)));
    return `Audience: who the token is for: ${named.join(', ')}.`;
  },
  azp: (v, c) => `Authorized party: the app the token was issued to${typeof v === 'string' && c.names.apps.has(v) ? ` (${c.names.apps.get(v)})` : ''}.`,
  client_id: (v, c) => `The app the token was issued to${typeof v === 'string' && c.names.apps.has(v) ? ` (${c.names.apps.get(v)})` : ''}.`,
  exp: (v, c) => `Expires ${when(v, c.now)}.${typeof v === 'number' && v * 1000 <= c.now ? ' It has expired.' : ''}`,
  iat: (v, c) => `Issued ${when(v, c.now)}.`,
  nbf: (v, c) => `Not valid before ${when(v, c.now)}.`,
  auth_time: (v, c) => `When the user signed in: ${when(v, c.now)}.`,
  nonce: () => 'The nonce the app sent with the authorization request; the app checks it to stop replays.',
  at_hash: () => 'Hash of the access token issued with this ID token; binds the two together.',
  c_hash: () => 'Hash of the authorization code issued with this ID token.',
  s_hash: () => 'Hash of the state parameter.',
  sid: () => 'The sign-in session at this server, used for logout.',
  jti: () => 'A unique id of this token.',
  acr: () => 'Authentication context class: how strongly the user was authenticated.',
  amr: () => 'Authentication methods used to sign in.',
  scope: (v) => {
    const names = typeof v === 'string' ? v.split(' ').filter(Boolean) : [];
    return `Scopes granted: ${names.map((n) => `${n} (${findScope(n)?.description ?? 'not in the catalog'})`).join('; ') || 'none'}.`;
  },
  name: () => 'Full name (profile scope).',
  given_name: () => 'Given name (profile scope).',
  family_name: () => 'Family name (profile scope).',
  preferred_username: () => 'Short user name (profile scope).',
  picture: () => 'Profile picture URL (profile scope).',
  locale: (v) => `The user's language and region, BCP 47: ${String(v)} (profile scope).`,
  phone_number: () => 'Phone number, E.164 (phone scope).',
  phone_number_verified: (v) => `Whether the phone number is verified: ${String(v)}.`,
  updated_at: (v, c) => `When the profile last changed: ${when(v, c.now)}.`,
  email: () => 'Email address (email scope).',
  email_verified: (v) => `Whether the email address is verified: ${String(v)}.`,
  groups: () => 'Groups the user belongs to (groups scope).',
  roles: () => "The user's roles in the workspace (roles scope).",
  workspace: () => 'The workspace this consent was given for, with the role there.',
  workspace_id: () => 'The workspace the token acts in.',
  actor: (v) => `Actor mode: ${v === 'app' ? 'the app acts as its own bot identity' : 'the app acts as the user, limited by their role'}.`,
};

/** Decodes a JWT, checks its signature against our keys (active and retired), and explains each claim. */
export async function inspectJwt(db: Db, value: string, issuer: string, now = Date.now()): Promise<{ jwt: JwtInspection; notes: string[] }> {
  const notes: string[] = [];
  const header = decodeProtectedHeader(value) as Record<string, unknown>;
  let payload: Record<string, unknown> = {};
  try {
    payload = decodeJwt(value) as Record<string, unknown>;
  } catch {
    notes.push('The payload is not JSON claims (an encrypted or malformed token).');
  }
  const keys = await listSigningKeys(db);
  const kid = typeof header.kid === 'string' ? header.kid : null;
  const alg = typeof header.alg === 'string' ? header.alg : null;
  const ours = kid ? keys.find((k) => k.kid === kid) : undefined;
  let verified = false;
  let problem: string | null = null;
  if (!alg || alg === 'none') problem = 'unsigned token (alg "none")';
  else if (kid && !ours) problem = 'signed with a key this server does not have (another issuer, or a key rotated out)';
  else {
    try {
      const jwks: JSONWebKeySet = { keys: keys.map((k) => JSON.parse(k.public_jwk) as JWK) };
      await compactVerify(value, createLocalJWKSet(jwks));
      verified = true;
    } catch (err) {
      problem = `the signature does not verify: ${(err as Error).message}`;
    }
  }
  const ids = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x.length < 200);
  const apps = await appNames(db, [...new Set([...ids(payload.aud), ...ids(payload.azp), ...ids(payload.client_id)])]);
  const users = new Map([...(await usersById(db, ids(payload.sub)))].map(([id, u]) => [id, u.email]));
  const ctx: ExplainContext = { issuer, now, names: { apps, users } };
  const claims = Object.entries(payload).map(([name, claim]) => ({ name, value: claim, explanation: CLAIMS[name]?.(claim, ctx) ?? 'A claim this server does not define (custom or from another issuer).' }));
  if (payload.iss !== undefined && payload.iss !== issuer) notes.push(`Issued by ${String(payload.iss)}, not by this server.`);
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= now) notes.push(`Expired ${relativeTime(payload.exp * 1000, now)}.`);
  if (verified) notes.push(`Signature verified with ${ours?.status === 'retired' ? 'a retired' : 'the active'} ${alg} key of this server.`);
  return {
    jwt: { header, claims, signature: { verified, kid, alg, keyStatus: ours ? ours.status : null, problem } },
    notes,
  };
}
