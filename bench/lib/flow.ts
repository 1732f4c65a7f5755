/**
 * The authorization-code + PKCE flow as a state machine over raw HTTP
 * exchanges, so the same script drives autocannon (one flow per loop of a
 * request sequence, per connection) and a plain fetch probe. A flow walks
 * the real pages like a browser: authorize → sign-in page → POST sign-in →
 * resume → consent page → POST consent → resume → redirect URI → token
 * exchange with the PKCE verifier.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request as CannonRequest } from 'autocannon';

export interface ClientTarget {
  /** e.g. http://127.0.0.1:43123 */
  origin: string;
  clientId: string;
  clientSecret: string;
}

export const REDIRECT_URI = 'http://localhost:3000/callback';
export const FLOW_SCOPE = 'openid profile email offline_access read:user';
export const TOKEN_PATH = '/oauth/token';
export const INTROSPECT_PATH = '/oauth/introspect';

export function basicAuth(target: ClientTarget): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`).toString('base64')}`;
}

export interface NextRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Per-flow state; lives in autocannon's per-connection context (reset at every loop). */
export interface FlowContext {
  jar?: Record<string, string>;
  verifier?: string;
  state?: string;
  t0?: number;
  steps?: number;
  next?: NextRequest | undefined;
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
}

export interface FlowStats {
  ok: number;
  failed: number;
  /** Milliseconds from the authorization request to the token response. */
  latencies: number[];
  /** The newest tokens from completed flows (ring of `keep`). */
  tokens: TokenSet[];
  keep: number;
  failures: string[];
  steps: number;
}

export function newFlowStats(keep = 200): FlowStats {
  return { ok: 0, failed: 0, latencies: [], tokens: [], keep, failures: [], steps: 0 };
}

function headerValues(headers: Record<string, unknown>, name: string): string[] {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) return value.map(String);
    if (value !== undefined) return [String(value)];
  }
  return [];
}

function updateJar(jar: Record<string, string>, setCookies: string[]): void {
  for (const line of setCookies) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq < 0) continue;
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const expired = value === '' || attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (expired) delete jar[name];
    else jar[name] = value;
  }
}

function cookieHeader(jar: Record<string, string> | undefined): Record<string, string> {
  const entries = Object.entries(jar ?? {});
  return entries.length ? { cookie: entries.map(([k, v]) => `${k}=${v}`).join('; ') } : {};
}

function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? '']));
}

/** The first form's action, its hidden csrf value and the values of a radio group (checked first). */
export function readForm(html: string, radioName: string): { action: string; csrf: string; radio: string | undefined } {
  const form = /<form\b[^>]*\baction="([^"]+)"/.exec(html);
  if (!form) throw new Error(`no form in page: ${html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 200)}`);
  const inputs = [...html.matchAll(/<input\b([^>]*)>/g)].map((m) => attributes(m[1]!));
  const csrf = inputs.find((i) => i.name === 'csrf')?.value;
  if (csrf === undefined) throw new Error('no csrf field in the form');
  const radios = inputs.filter((i) => i.type === 'radio' && i.name === radioName);
  const radio = (radios.find((r) => 'checked' in r) ?? radios[0])?.value;
  return { action: form[1]!.replace(/&amp;/g, '&'), csrf: csrf.replace(/&amp;/g, '&'), radio };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Starts a new flow (a fresh "browser": empty cookie jar) and returns its first request. */
export function startFlow(target: ClientTarget, ctx: FlowContext): NextRequest {
  const { verifier, challenge } = pkce();
  ctx.jar = {};
  ctx.verifier = verifier;
  ctx.state = randomBytes(12).toString('base64url');
  ctx.t0 = performance.now();
  ctx.steps = 1;
  ctx.next = undefined;
  const query = new URLSearchParams({
    client_id: target.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: FLOW_SCOPE,
    state: ctx.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { method: 'GET', path: `/oauth/authorize?${query.toString()}`, headers: {} };
}

/**
 * Consumes one response and decides the next request (redirect, form post,
 * token exchange), or finishes the flow (ctx.next = undefined).
 */
export function advanceFlow(target: ClientTarget, stats: FlowStats, ctx: FlowContext, status: number, body: string, headers: Record<string, unknown>): void {
  const fail = (why: string) => {
    stats.failed++;
    if (stats.failures.length < 5) stats.failures.push(why);
    ctx.next = undefined;
  };
  try {
    ctx.jar ??= {};
    updateJar(ctx.jar, headerValues(headers, 'set-cookie'));
    const location = headerValues(headers, 'location')[0];
    if (status >= 300 && status < 400 && location) {
      const url = new URL(location, target.origin);
      if (url.origin !== target.origin) {
        const code = url.searchParams.get('code');
        if (!code) return fail(`redirected without a code: ${url.search.slice(0, 200)}`);
        if (url.searchParams.get('state') !== ctx.state) return fail('state mismatch');
        ctx.next = {
          method: 'POST',
          path: TOKEN_PATH,
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(target) },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: ctx.verifier! }).toString(),
        };
      } else {
        ctx.next = { method: 'GET', path: url.pathname + url.search, headers: {} };
      }
      return;
    }
    if (status === 200 && body.trimStart().startsWith('<')) {
      const isLogin = /\/login"/.test(body) && !/\/confirm"/.test(body);
      const form = readForm(body, isLogin ? 'user_id' : 'workspace_id');
      if (!form.radio) return fail(`no ${isLogin ? 'user' : 'workspace'} to choose in the form`);
      const fields: Record<string, string> = isLogin ? { csrf: form.csrf, user_id: form.radio } : { csrf: form.csrf, decision: 'approve', workspace_id: form.radio };
      ctx.next = {
        method: 'POST',
        path: new URL(form.action, target.origin).pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: target.origin },
        body: new URLSearchParams(fields).toString(),
      };
      return;
    }
    if (status === 200 && body.includes('"access_token"')) {
      const tokens = JSON.parse(body) as TokenSet;
      stats.ok++;
      stats.steps = ctx.steps ?? 0;
      stats.latencies.push(performance.now() - (ctx.t0 ?? performance.now()));
      stats.tokens.push({ access_token: tokens.access_token, ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}) });
      if (stats.tokens.length > stats.keep) stats.tokens.shift();
      ctx.next = undefined;
      return;
    }
    fail(`HTTP ${status} at step ${ctx.steps}: ${body.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 200)}`);
  } catch (err) {
    fail((err as Error).message);
  }
}

/**
 * The flow as an autocannon request sequence of `length` slots. Each loop of
 * the sequence is one flow with a fresh cookie jar; a slot with nothing left
 * to do returns null, which makes autocannon restart the sequence.
 */
export function flowRequests(target: ClientTarget, stats: FlowStats, length: number): CannonRequest[] {
  const onResponse = (status: number, body: string, context: object, headers: unknown) =>
    advanceFlow(target, stats, context as FlowContext, status, body, (headers ?? {}) as Record<string, unknown>);
  const slots: CannonRequest[] = [];
  for (let i = 0; i < length; i++) {
    slots.push({
      setupRequest: ((req: CannonRequest, context: object) => {
        const ctx = context as FlowContext;
        let next: NextRequest | undefined;
        if (i === 0) next = startFlow(target, ctx);
        else {
          next = ctx.next;
          ctx.next = undefined;
          if (!next) return null;
          ctx.steps = (ctx.steps ?? 0) + 1;
        }
        return { ...req, method: next.method, path: next.path, headers: { ...next.headers, ...cookieHeader(ctx.jar) }, ...(next.body !== undefined ? { body: next.body } : {}) };
      }) as unknown as CannonRequest['setupRequest'],
      onResponse,
    });
  }
  return slots;
}

/** Runs one flow with fetch, sequentially, using the same state machine: validates the script and counts its steps. */
export async function probeFlow(target: ClientTarget, stats: FlowStats = newFlowStats()): Promise<{ steps: number; tokens: TokenSet }> {
  const ctx: FlowContext = {};
  let next: NextRequest | undefined = startFlow(target, ctx);
  const before = stats.ok;
  while (next) {
    const res = await fetch(target.origin + next.path, {
      method: next.method,
      headers: { ...next.headers, ...cookieHeader(ctx.jar) },
      redirect: 'manual',
      ...(next.body !== undefined ? { body: next.body } : {}),
    });
    const body = await res.text();
    const headers: Record<string, unknown> = Object.fromEntries(res.headers);
    headers['set-cookie'] = res.headers.getSetCookie();
    advanceFlow(target, stats, ctx, res.status, body, headers);
    next = ctx.next;
    if (next) ctx.steps = (ctx.steps ?? 0) + 1;
    if ((ctx.steps ?? 0) > 20) throw new Error('the flow did not finish in 20 requests');
  }
  if (stats.ok === before) throw new Error(`the authorization-code flow failed against ${target.origin}: ${stats.failures.at(-1) ?? 'unknown'}`);
  return { steps: stats.steps, tokens: stats.tokens.at(-1)! };
}
