/**
 * The engine's own ceiling: bare oidc-provider with its default in-memory
 * adapter, configured as close to ours as possible (same routes, grants,
 * scopes, claims, lifetimes, PKCE rule, refresh rotation, asymmetric signing
 * keys, opaque tokens, devInteractions off), plus a minimal interaction
 * handler that serves the same two forms (sign-in, consent) and finishes
 * them the way our pages do, and a minimal `GET /api/v1/me`.
 *
 * Run as a child process by bench/run.ts:
 *   node --import tsx bench/bare-provider.ts --port 0   (the bench runs it bundled: bench/lib/bare-build.ts)
 * Prints `issuer: …`, `demo client_id: …` and `demo client_secret: …` like `npm run serve`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { ROUTES } from '../src/main/oauth/routes';
import { SCOPE_NAMES, claimsByScope } from '../src/shared/scopes';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, prime: { type: 'boolean', default: false } } });
// `--prime`: load every module and exit (fills tsx's transform cache before cold starts are timed).
if (values.prime) process.exit(0);
const HOST = values.host!;

const CLIENT_ID = 'bench_app_inmemory';
const CLIENT_SECRET = `sec_${randomBytes(32).toString('base64url')}`;
const WORKSPACE = { id: 'ws_bench', name: 'Demo Workspace', slug: 'demo' };
const USERS = [
  { id: 'usr_owner', email: 'olivia.owner@example.test', name: 'Olivia Owner', role: 'OWNER', groups: ['engineering', 'leads'] },
  { id: 'usr_admin', email: 'adam.admin@example.test', name: 'Adam Admin', role: 'ADMIN', groups: ['engineering'] },
  { id: 'usr_member', email: 'mia.member@example.test', name: 'Mia Member', role: 'MEMBER', groups: ['support'] },
];
const USER_BY_ID = new Map(USERS.map((u) => [u.id, u]));
/** grantId → workspace and actor: the in-memory twin of our grant context columns. */
const grantContexts = new Map<string, { workspaceId: string; actor: string }>();

async function signingKeys(): Promise<JWK[]> {
  const keys: JWK[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    keys.push({ ...(await exportJWK(privateKey)), kid: `${alg.toLowerCase()}-bench`, alg, use: 'sig' });
  }
  return keys;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function main(): Promise<void> {
  const keys = await signingKeys();
  const cookieKey = randomBytes(32).toString('base64url');
  const csrfKey = randomBytes(32);
  const csrfFor = (uid: string) => createHmac('sha256', csrfKey).update(uid).digest('base64url');

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const http = createServer((req, res) => handler(req, res));
  http.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => http.listen(Number(values.port), HOST, resolve));
  const port = (http.address() as AddressInfo).port;
  const issuer = `http://${HOST}:${port}`;

  const configuration: Configuration = {
    // No `adapter`: the default in-memory adapter.
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        client_name: 'Demo App',
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        redirect_uris: ['http://localhost:3000/callback', 'http://127.0.0.1:8765/callback'],
        post_logout_redirect_uris: ['http://localhost:3000/'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid profile email offline_access groups roles read:user read:organization write:organization read:members',
      },
    ],
    async findAccount(_ctx, sub) {
      const user = USER_BY_ID.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        async claims() {
          return {
            sub: user.id,
            name: user.name,
            preferred_username: user.email.split('@')[0],
            email: user.email,
            email_verified: true,
            groups: user.groups,
            roles: [user.role],
            workspace: { ...WORKSPACE, role: user.role },
          };
        },
      };
    },
    scopes: [...SCOPE_NAMES],
    claims: { openid: ['sub'], ...claimsByScope() },
    cookies: {
      keys: [cookieKey],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    jwks: { keys },
    routes: ROUTES,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
    },
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    ttl: {
      AuthorizationCode: 300,
      AccessToken: 86400,
      ClientCredentials: 86400,
      IdToken: 3600,
      RefreshToken: 10 * 365 * 86400,
      Grant: 10 * 365 * 86400,
      Session: 14 * 86400,
      Interaction: 3600,
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    allowOmittingSingleRegisteredRedirectUri: true,
    async extraTokenClaims(ctx, token) {
      if (token.kind === 'ClientCredentials') return { workspace_id: WORKSPACE.id, actor: 'app' };
      const grantId = (token as { grantId?: string }).grantId;
      const context = grantId ? grantContexts.get(grantId) : undefined;
      return context ? { workspace_id: context.workspaceId, actor: context.actor } : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };

  const provider = new Provider(issuer, configuration);
  const engine = provider.callback();

  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  };
  const readForm = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  };
  const csrfOk = (uid: string, sent: string | undefined) => {
    const a = Buffer.from(sent ?? '');
    const b = Buffer.from(csrfFor(uid));
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const finish = async (req: IncomingMessage, res: ServerResponse, result: Parameters<Provider['interactionResult']>[2], merge: boolean) => {
    const to = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: merge });
    res.writeHead(303, { location: to });
    res.end();
  };

  /** The same two forms our pages have (hidden csrf, radio groups), without the styling. */
  const interaction = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const [, , uid, action] = path.split('/');
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET' && !action) {
      const csrf = escapeHtml(csrfFor(uid!));
      if (details.prompt.name === 'login') {
        const radios = USERS.map((u, i) => `<label><input type="radio" name="user_id" value="${u.id}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.name)}</label>`).join('');
        return send(res, 200, 'text/html; charset=utf-8', `<!doctype html><title>Sign in</title><form method="post" action="/interaction/${uid}/login"><input type="hidden" name="csrf" value="${csrf}">${radios}<button>Continue</button></form>`);
      }
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        `<!doctype html><title>Authorize</title><form method="post" action="/interaction/${uid}/confirm"><input type="hidden" name="csrf" value="${csrf}"><label><input type="radio" name="workspace_id" value="${WORKSPACE.id}" checked> ${WORKSPACE.name}</label><button name="decision" value="approve">Approve</button></form>`,
      );
    }
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'method not allowed');
    const form = await readForm(req);
    if (!csrfOk(uid!, form.csrf)) return send(res, 403, 'text/plain', 'bad csrf');
    if (action === 'login') {
      if (details.prompt.name !== 'login' || !USER_BY_ID.has(form.user_id ?? '')) return send(res, 400, 'text/plain', 'bad login');
      return finish(req, res, { login: { accountId: form.user_id! } }, false);
    }
    if (action === 'confirm') {
      if (details.prompt.name !== 'consent' || form.decision !== 'approve' || form.workspace_id !== WORKSPACE.id) return send(res, 400, 'text/plain', 'bad consent');
      const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
      if (prompt.missingOIDCScope?.length) grant.addOIDCScope(prompt.missingOIDCScope.join(' '));
      if (prompt.missingOIDCClaims?.length) grant.addOIDCClaims(prompt.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(prompt.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      grantContexts.set(grantId, { workspaceId: WORKSPACE.id, actor: 'self' });
      return finish(req, res, { consent: { grantId } }, true);
    }
    return send(res, 404, 'text/plain', 'not found');
  };

  /** The sample resource API's `/me`, minimal: token lookup, scope check, client and account lookups. */
  const me = async (req: IncomingMessage, res: ServerResponse) => {
    const match = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
    const token = match ? ((await provider.AccessToken.find(match[1]!)) ?? (await provider.ClientCredentials.find(match[1]!))) : undefined;
    if (!token || token.isExpired) return send(res, 401, 'application/json', '{"error":"invalid_token"}', { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (!String(token.scope ?? '').split(' ').includes('read:user')) return send(res, 403, 'application/json', '{"error":"insufficient_scope"}');
    const client = await provider.Client.find(token.clientId!);
    if (!client) return send(res, 401, 'application/json', '{"error":"invalid_token"}');
    const accountId = (token as { accountId?: string }).accountId;
    const user = accountId ? USER_BY_ID.get(accountId) : undefined;
    const body = user
      ? { type: 'user', id: user.id, email: user.email, name: user.name, groups: user.groups, workspace: { ...WORKSPACE, role: user.role } }
      : { type: 'app', id: `bot:${client.clientId}`, name: `${client.clientName ?? client.clientId} (bot)`, workspace: WORKSPACE };
    return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body));
  };

  handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const fail = (err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', (err as Error).message);
      else res.end();
    };
    if (path.startsWith('/interaction/')) return void interaction(req, res, path).catch(fail);
    if (path === '/api/v1/me') return void me(req, res).catch(fail);
    if (path === '/healthz') return send(res, 200, 'application/json', '{"status":"ok"}');
    return engine(req, res);
  };

  console.log(`issuer: ${issuer}`);
  console.log(`demo client_id: ${CLIENT_ID}`);
  console.log(`demo client_secret: ${CLIENT_SECRET}`);
  const stop = () => {
    http.close(() => process.exit(0));
    http.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`bare-provider: ${(err as Error).message}`);
  process.exit(1);
});
