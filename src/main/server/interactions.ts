import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { createElement } from 'react';
import { ConsentScreen } from '../../shared/consent/ConsentScreen';
import { SignInScreen } from '../../shared/consent/SignInScreen';
import { scopeGrantable } from '../../shared/scopes';
import { findApp, type AppRecord } from '../store/apps-store';
import { grantContext, setGrantContext } from '../store/grants-store';
import { findUser, findUserByHint, listUsers, userMemberships, workspaceOwner, type MembershipRecord } from '../store/identity-store';
import { renderPage } from './html';
import { isLoopbackAddress } from './host-policy';
import { tooManyRequests } from './rate-limits';
import { allowFormTarget } from './security-headers';
import { actorFor, consentModel, consentPolicyFor, preferredMembership } from '../oauth/consent-model';
import type { RouteContext } from './route-context';

export type InteractionDeps = Pick<RouteContext, 'provider' | 'db' | 'settings' | 'activity' | 'issuer' | 'csrfKey' | 'rateLimits'>;

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The posted form fields (parsed by the body parser; empty when none). */
function formBody(ctx: Context): Record<string, unknown> {
  return (ctx.request as { body?: Record<string, unknown> }).body ?? {};
}

/**
 * Sign-in and consent: server-rendered pages on the engine's origin. Forms
 * carry a CSRF token bound to the interaction (HMAC of its uid) and posts
 * from a foreign Origin are refused.
 */
export function createInteractionRouter(deps: InteractionDeps): Router {
  const { provider, db, settings, activity } = deps;
  const router = new Router({ prefix: '/interaction' });

  router.use(async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    const address = ctx.req.socket.remoteAddress ?? 'unknown';
    const verdict = await deps.rateLimits.consume('signInPosts', address, isLoopbackAddress(address));
    if (verdict) {
      ctx.set(tooManyRequests(verdict).headers);
      ctx.throw(429, `Too many sign-in attempts from this address; try again in ${verdict.retryAfter} s.`);
    }
    await next();
  });
  const issuerOrigin = new URL(deps.issuer).origin;
  const csrfFor = (uid: string) => createHmac('sha256', deps.csrfKey).update(uid).digest('base64url');

  /**
   * A form post must come from our own page: its Origin must be the issuer's
   * (a missing or `null` Origin is refused like a foreign one; the pages'
   * `Referrer-Policy: same-origin` makes browsers send it), a browser's
   * `Sec-Fetch-Site`, when sent, must say `same-origin`, and the CSRF field
   * must match the interaction.
   */
  const checkForm = (ctx: Context, uid: string): boolean => {
    if (ctx.get('origin') !== issuerOrigin) return false;
    const site = ctx.get('sec-fetch-site');
    if (site && site !== 'same-origin') return false;
    const body = formBody(ctx);
    const sent = typeof body.csrf === 'string' ? Buffer.from(body.csrf) : Buffer.alloc(0);
    const expected = Buffer.from(csrfFor(uid));
    return sent.length === expected.length && timingSafeEqual(sent, expected);
  };

  const finish = async (ctx: Context, result: InteractionResults, merge: boolean) => {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  };

  const deny = async (ctx: Context, details: Details, reason: string) => {
    activity.record({
      type: 'consent.denied',
      clientId: details.params.client_id as string,
      accountId: details.session?.accountId ?? null,
      detail: { reason, scope: details.params.scope },
    });
    await finish(ctx, { error: 'access_denied', error_description: reason }, false);
  };

  /** Sends a page; its forms may lead on to the app's redirect URI (the engine checked it), nowhere else. */
  const page = (ctx: Context, details: Details, app: AppRecord, html: string) => {
    const redirect = details.params.redirect_uri;
    allowFormTarget(ctx.res, typeof redirect === 'string' ? redirect : app.redirectUris[0]);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = html;
  };

  const loadApp = async (details: Details) => {
    const app = await findApp(db, details.params.client_id as string);
    if (!app) throw Object.assign(new Error('the app of this request no longer exists'), { status: 400, expose: true });
    return app;
  };

  const signIn = async (ctx: Context, details: Details, userId: string, how: string) => {
    activity.record({ type: 'sign_in', clientId: details.params.client_id as string, accountId: userId, detail: { how } });
    await finish(ctx, { login: { accountId: userId } }, false);
  };

  /** Builds the grant for the chosen workspace and actor, honouring role limits. */
  const approve = async (ctx: Context, details: Details, app: AppRecord, membership: MembershipRecord, how: string) => {
    const accountId = details.session!.accountId;
    const actor = actorFor(details, app);
    const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    if (grant) {
      const context = await grantContext(db, details.grantId!);
      if (context?.workspaceId !== membership.workspace.id || context?.actor !== actor) grant = undefined;
    }
    grant ??= new provider.Grant({ accountId, clientId: app.id });
    const granted: string[] = [];
    const rejected: string[] = [];
    for (const scope of prompt.missingOIDCScope ?? []) {
      (scopeGrantable(scope, actor, membership.role) ? granted : rejected).push(scope);
    }
    if (granted.length) grant.addOIDCScope(granted.join(' '));
    if (rejected.length) grant.rejectOIDCScope(rejected.join(' '));
    if (prompt.missingOIDCClaims?.length) grant.addOIDCClaims(prompt.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await setGrantContext(db, grantId, { workspaceId: membership.workspace.id, actor });
    activity.record({
      type: 'consent.approved',
      clientId: app.id,
      accountId,
      workspaceId: membership.workspace.id,
      detail: { how, actor, granted, rejected },
    });
    await finish(ctx, { consent: { grantId } }, true);
  };

  router.get('/:uid', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const uid = ctx.params.uid!;
    if (details.result) ctx.throw(409, 'This request was already answered. Continue in the window that answered it.');
    const app = await loadApp(details);
    const policy = consentPolicyFor(app, settings);
    if (policy === 'auto-deny') return deny(ctx, details, 'The request was denied by the consent policy (auto-deny)');

    if (details.prompt.name === 'login') {
      const hint = typeof details.params.login_hint === 'string' ? await findUserByHint(db, details.params.login_hint) : undefined;
      if (policy === 'auto-approve') {
        const user = hint ?? (await workspaceOwner(db, app.workspaceId));
        if (user) return signIn(ctx, details, user.id, hint ? 'auto-approve, login_hint' : 'auto-approve, workspace owner');
      }
      const users = await listUsers(db);
      const labelled = await Promise.all(
        users.map(async (u) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          roles: (await userMemberships(db, u.id)).map((m) => `${m.role} · ${m.workspace.name}`).join(', ') || 'no workspace',
        })),
      );
      return page(
        ctx,
        details,
        app,
        renderPage(
          `Sign in · ${app.name}`,
          createElement(SignInScreen, {
            model: {
              app: { name: app.name, logoUrl: app.logoUrl },
              users: labelled,
              hintedUserId: hint?.id ?? null,
              action: `/interaction/${uid}/login`,
              abortAction: `/interaction/${uid}/abort`,
              csrf: csrfFor(uid),
            },
          }),
        ),
      );
    }

    const accountId = details.session?.accountId;
    const user = accountId ? await findUser(db, accountId) : undefined;
    if (!user) return deny(ctx, details, 'The signed-in user no longer exists');
    const memberships = await userMemberships(db, user.id);
    if (policy === 'auto-approve') {
      const membership = preferredMembership(memberships, app);
      if (!membership) return deny(ctx, details, 'The user is not a member of any workspace');
      return approve(ctx, details, app, membership, 'auto-approve');
    }
    const model = await consentModel(details, app, user, memberships);
    return page(ctx, details, app, renderPage(`Authorize ${app.name}`, createElement(ConsentScreen, { model: { ...model, action: `/interaction/${uid}/confirm`, csrf: csrfFor(uid) } })));
  });

  router.post('/:uid/login', async (ctx) => {
    const uid = ctx.params.uid!;
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!checkForm(ctx, uid)) ctx.throw(403, 'The form expired or came from another site. Go back and try again.');
    if (details.prompt.name !== 'login' || details.result?.login) ctx.throw(409, 'This sign-in was already submitted. Continue in the window that submitted it.');
    const body = formBody(ctx);
    const user = typeof body.user_id === 'string' ? await findUser(db, body.user_id) : undefined;
    if (!user) return ctx.throw(400, 'Choose one of the test users.');
    await signIn(ctx, details, user.id, 'picker');
  });

  router.post('/:uid/confirm', async (ctx) => {
    const uid = ctx.params.uid!;
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!checkForm(ctx, uid)) ctx.throw(403, 'The form expired or came from another site. Go back and try again.');
    if (details.prompt.name !== 'consent' || details.result?.consent) ctx.throw(409, 'This consent was already submitted. Continue in the window that submitted it.');
    const body = formBody(ctx);
    if (body.decision === 'deny') return deny(ctx, details, 'The user denied the request');
    if (body.decision !== 'approve') ctx.throw(400, 'Choose Approve or Deny.');
    const app = await loadApp(details);
    const memberships = await userMemberships(db, details.session!.accountId);
    const membership = memberships.find((m) => m.workspace.id === body.workspace_id);
    if (!membership) return ctx.throw(400, 'Choose one of your workspaces.');
    await approve(ctx, details, app, membership, 'form');
  });

  router.post('/:uid/abort', async (ctx) => {
    const uid = ctx.params.uid!;
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!checkForm(ctx, uid)) ctx.throw(403, 'The form expired or came from another site. Go back and try again.');
    if (details.result) ctx.throw(409, 'This request was already answered. Continue in the window that answered it.');
    await deny(ctx, details, 'The user cancelled the sign-in');
  });

  return router;
}
