import * as client from 'openid-client';
import type { RunningServer } from '../../src/main/server/server';
import type { PkcePolicy } from '../../src/shared/contract/apps';
import { FormAgent, formAction, hiddenValue, radioValues } from './form-agent';

export const DEMO_REDIRECT = 'http://127.0.0.1:8765/callback';

export interface DemoApp {
  clientId: string;
  clientSecret: string;
}

/** The seeded demo app (first run only returns its secret). */
export function demoApp(server: RunningServer): DemoApp {
  if (!server.seed?.clientSecret) throw new Error('the server was not freshly seeded');
  return { clientId: server.seed.appId, clientSecret: server.seed.clientSecret };
}

export async function userIdByEmail(server: RunningServer, email: string): Promise<string> {
  const row = await server.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return row.id;
}

/** An openid-client configuration for the seeded demo app. */
export function demoConfig(server: RunningServer): Promise<client.Configuration> {
  const app = demoApp(server);
  return discover(server, app.clientId, app.clientSecret);
}

export async function discover(server: RunningServer, clientId: string, clientSecret?: string): Promise<client.Configuration> {
  return client.discovery(
    new URL(server.issuer),
    clientId,
    clientSecret ? { client_secret: clientSecret } : undefined,
    clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
    { execute: [client.allowInsecureRequests] },
  );
}

export interface FlowOptions {
  config: client.Configuration;
  redirectUri?: string;
  scope?: string;
  /** The test user to pick on the sign-in page. */
  userEmail?: string;
  decision?: 'approve' | 'deny';
  workspaceId?: string;
  params?: Record<string, string>;
  agent?: FormAgent;
  /** false: send no code_challenge (a client that cannot originate PKCE). */
  pkce?: boolean;
}

export interface FlowResult {
  callback: URL;
  verifier: string;
  state: string;
  agent: FormAgent;
  /** Pages seen on the way, for assertions on what the user was shown. */
  pages: string[];
}

/**
 * Runs the authorization request through the real sign-in and consent
 * pages over HTTP, like a browser would, and returns the callback URL.
 */
export async function authorize(server: RunningServer, options: FlowOptions): Promise<FlowResult> {
  const agent = options.agent ?? new FormAgent();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(options.config, {
    redirect_uri: options.redirectUri ?? DEMO_REDIRECT,
    scope: options.scope ?? 'openid profile email offline_access read:user',
    ...(options.pkce === false ? {} : { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }),
    state,
    ...options.params,
  });
  const userId = options.userEmail ? await userIdByEmail(server, options.userEmail) : undefined;
  const walked = await walkPages(server.issuer, url, { agent, ...(userId ? { userId } : {}), ...(options.decision ? { decision: options.decision } : {}), ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}) });
  return { ...walked, verifier, state };
}

export interface WalkOptions {
  agent?: FormAgent;
  /** The user to pick on the sign-in page (default: the first). */
  userId?: string;
  decision?: 'approve' | 'deny';
  workspaceId?: string;
}

/**
 * Follows an authorization URL through the real sign-in and consent pages,
 * like a browser, until the redirect leaves the issuer: the callback URL
 * (with `code` or `error`) and the pages seen on the way.
 */
export async function walkPages(issuer: string, url: URL | string, options: WalkOptions = {}): Promise<{ callback: URL; agent: FormAgent; pages: string[] }> {
  const agent = options.agent ?? new FormAgent();
  const origin = new URL(issuer).origin;
  const pages: string[] = [];
  let step = await agent.follow(url.toString(), origin);
  for (let i = 0; i < 8 && step.res; i++) {
    const html = await step.res.text();
    if (step.res.status !== 200) throw new Error(`unexpected ${step.res.status} at ${step.url}: ${html.replace(/<style>[^<]*<\/style>/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 400)}`);
    pages.push(html);
    const action = new URL(formAction(html), step.url).toString();
    if (isAutoSubmitLogout(html)) {
      // Another user signed in over this browser's session: the engine's page submits itself (its script) to end the old session first.
      step = await agent.postForm(action, origin, { xsrf: hiddenValue(html, 'xsrf'), logout: hiddenValue(html, 'logout') }, { origin });
      continue;
    }
    const csrf = hiddenValue(html, 'csrf');
    if (action.endsWith('/login')) {
      step = await agent.postForm(action, origin, { csrf, user_id: options.userId ?? radioValues(html, 'user_id')[0]! }, { origin });
    } else {
      const workspaces = radioValues(html, 'workspace_id');
      step = await agent.postForm(action, origin, { csrf, decision: options.decision ?? 'approve', workspace_id: options.workspaceId ?? workspaces[0] ?? '' }, { origin });
    }
  }
  if (step.res) throw new Error(`flow did not reach the redirect URI; last page ${step.url}`);
  return { callback: new URL(step.url), agent, pages };
}


/** The engine's self-submitting form that ends a session before another user's sign-in continues (resume after a login as someone else). */
export function isAutoSubmitLogout(html: string): boolean {
  return html.includes('<title>Submitting Callback</title>') && /name="logout"/.test(html) && /name="xsrf"/.test(html);
}

/** Authorizes and exchanges the code: the whole code + PKCE flow. */
export async function codeFlow(
  server: RunningServer,
  options: FlowOptions,
): Promise<FlowResult & { tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers }> {
  const result = await authorize(server, options);
  const tokens = await client.authorizationCodeGrant(options.config, result.callback, {
    ...(options.pkce === false ? {} : { pkceCodeVerifier: result.verifier }),
    expectedState: result.state,
  });
  return { ...result, tokens };
}

export interface ConfidentialApp extends DemoApp {
  config: client.Configuration;
}

/**
 * Adds a confidential app to the demo workspace, redirecting to DEMO_REDIRECT,
 * and returns its credentials and an openid-client configuration for it.
 */
export async function confidentialApp(
  server: RunningServer,
  app: { name: string; scopes: string[]; grantTypes?: string[]; actorModes?: Array<'self' | 'app'>; pkcePolicy?: PkcePolicy; singleLiveToken?: boolean },
): Promise<ConfidentialApp> {
  const { insertApp } = await import('../../src/main/store/apps-store');
  const created = await insertApp(server.db, {
    workspaceId: server.seed!.workspaceId,
    name: app.name,
    clientType: 'confidential',
    redirectUris: [DEMO_REDIRECT],
    grantTypes: app.grantTypes ?? ['authorization_code'],
    scopes: app.scopes,
    actorModes: app.actorModes ?? ['self'],
    origin: 'console',
    ...(app.pkcePolicy ? { pkcePolicy: app.pkcePolicy } : {}),
    ...(app.singleLiveToken ? { singleLiveToken: true } : {}),
  });
  const clientSecret = created.clientSecret!;
  return { clientId: created.app.id, clientSecret, config: await discover(server, created.app.id, clientSecret) };
}

/** `confidentialApp`, when only the openid-client configuration is needed. */
export async function confidentialAppConfig(server: RunningServer, app: Parameters<typeof confidentialApp>[1]): Promise<client.Configuration> {
  return (await confidentialApp(server, app)).config;
}

/** The user's side of the device flow: open the verification URL, confirm, sign in, consent. */
export async function approveDevice(server: RunningServer, verificationUri: string, decision: 'approve' | 'abort' = 'approve'): Promise<string> {
  const origin = new URL(server.issuer).origin;
  const agent = new FormAgent();
  let step = await agent.follow(verificationUri, origin);
  for (let i = 0; i < 6 && step.res; i++) {
    const html = await step.res.text();
    if (step.res.status !== 200) throw new Error(`unexpected ${step.res.status} at ${step.url}`);
    if (html.includes('Device connected') || html.includes('The sign-in was cancelled')) return html;
    const action = new URL(formAction(html), step.url).toString();
    if (html.includes('name="xsrf"')) {
      const confirm: Record<string, string> = html.includes('name="confirm"') ? { confirm: 'yes', ...(decision === 'abort' ? { abort: 'yes' } : {}) } : {};
      step = await agent.postForm(action, origin, { xsrf: hiddenValue(html, 'xsrf'), user_code: hiddenValue(html, 'user_code'), ...confirm }, { origin });
    } else if (action.endsWith('/login')) {
      step = await agent.postForm(action, origin, { csrf: hiddenValue(html, 'csrf'), user_id: radioValues(html, 'user_id')[0]! }, { origin });
    } else {
      step = await agent.postForm(action, origin, { csrf: hiddenValue(html, 'csrf'), decision: 'approve', workspace_id: radioValues(html, 'workspace_id')[0]! }, { origin });
    }
  }
  throw new Error(`the device was not approved; last page ${step.url}`);
}
