import { Router } from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { consentModel, consentPolicyFor, preferredMembership, requestedResources } from '../oauth/consent-model';
import { saveConsentGrant } from '../oauth/consent-grant';
import { findApp, type AppRecord } from '../store/apps-store';
import { findUser, findUserByHint, userMemberships, workspaceOwner, type MembershipRecord } from '../store/identity-store';
import { createFormGuard, formBody, limitFormPosts } from './interaction-forms';
import { sendConsentPage, sendSignInPage, type PageTarget } from './interaction-pages';
import type { RouteContext } from './route-context';
import { restartSignIn } from './switch-user';

export type InteractionDeps = Pick<RouteContext, 'provider' | 'db' | 'settings' | 'activity' | 'issuer' | 'csrfKey' | 'rateLimits'>;

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const FORM_EXPIRED = 'The form expired or came from another site. Go back and try again.';
const ALREADY_ANSWERED = 'This request was already answered. Continue in the window that answered it.';

/**
 * The steps that end an interaction: sign a user in, approve (save the
 * grant), or deny; each is recorded in the activity log and hands the
 * result back to the engine, which redirects on.
 */
function interactionSteps(deps: InteractionDeps) {
  const { provider, db, activity } = deps;
  const finish = async (ctx: Context, result: InteractionResults, merge: boolean) => {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  };
  return {
    async deny(ctx: Context, details: Details, reason: string) {
      activity.record({ type: 'consent.denied', clientId: details.params.client_id as string, accountId: details.session?.accountId ?? null, detail: { reason, scope: details.params.scope } });
      await finish(ctx, { error: 'access_denied', error_description: reason }, false);
    },
    async signIn(ctx: Context, details: Details, userId: string, how: string) {
      activity.record({ type: 'sign_in', clientId: details.params.client_id as string, accountId: userId, detail: { how } });
      await finish(ctx, { login: { accountId: userId } }, false);
    },
    async approve(ctx: Context, details: Details, app: AppRecord, membership: MembershipRecord, how: string) {
      const { grantId, actor, granted, rejected } = await saveConsentGrant(provider, db, details, app, membership);
      activity.record({ type: 'consent.approved', clientId: app.id, accountId: details.session!.accountId, workspaceId: membership.workspace.id, detail: { how, actor, granted, rejected } });
      await finish(ctx, { consent: { grantId } }, true);
    },
  };
}

/**
 * Sign-in and consent: server-rendered pages on the engine's origin. Forms
 * carry a CSRF token bound to the interaction and posts from a foreign
 * Origin are refused (interaction-forms.ts); the consent policy decides
 * before any page is shown (auto-approve, auto-deny, prompt).
 */
export function createInteractionRouter(deps: InteractionDeps): Router {
  const { provider, db, settings } = deps;
  const router = new Router({ prefix: '/interaction' });
  const forms = createFormGuard(deps.issuer, deps.csrfKey);
  const steps = interactionSteps(deps);
  router.use(limitFormPosts(deps.rateLimits));

  const loadApp = async (details: Details) => {
    const app = await findApp(db, details.params.client_id as string);
    if (!app) throw Object.assign(new Error('the app of this request no longer exists'), { status: 400, expose: true });
    return app;
  };
  const targetOf = (uid: string, details: Details): PageTarget => ({ uid, csrf: forms.tokenFor(uid), redirectUri: details.params.redirect_uri });

  /**
   * The login prompt: auto-approve signs in the hinted user (or the workspace
   * owner); else the picker, with the hinted user chosen, or else the user
   * this browser is signed in as.
   */
  const showSignIn = async (ctx: Context, details: Details, app: AppRecord, autoApprove: boolean) => {
    const hint = typeof details.params.login_hint === 'string' ? await findUserByHint(db, details.params.login_hint) : undefined;
    if (autoApprove) {
      const user = hint ?? (await workspaceOwner(db, app.workspaceId));
      if (user) return steps.signIn(ctx, details, user.id, hint ? 'auto-approve, login_hint' : 'auto-approve, workspace owner');
    }
    const current = details.session?.accountId ? await findUser(db, details.session.accountId) : undefined;
    await sendSignInPage(ctx, db, app, targetOf(ctx.params.uid!, details), hint ?? current);
  };

  /** The consent prompt: auto-approve grants in the preferred workspace; else the consent page. */
  const showConsent = async (ctx: Context, details: Details, app: AppRecord, autoApprove: boolean) => {
    const accountId = details.session?.accountId;
    const user = accountId ? await findUser(db, accountId) : undefined;
    if (!user) return steps.deny(ctx, details, 'The signed-in user no longer exists');
    const memberships = await userMemberships(db, user.id);
    if (autoApprove) {
      const membership = preferredMembership(memberships, app);
      if (!membership) return steps.deny(ctx, details, 'The user is not a member of any workspace');
      return steps.approve(ctx, details, app, membership, 'auto-approve');
    }
    const resources = await requestedResources(db, deps.issuer, details.params.resource);
    sendConsentPage(ctx, app, targetOf(ctx.params.uid!, details), await consentModel(details, app, user, memberships, resources));
  };

  router.get('/:uid', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.result) ctx.throw(409, ALREADY_ANSWERED);
    const app = await loadApp(details);
    const policy = consentPolicyFor(app, settings);
    if (policy === 'auto-deny') return steps.deny(ctx, details, 'The request was denied by the consent policy (auto-deny)');
    const show = details.prompt.name === 'login' ? showSignIn : showConsent;
    await show(ctx, details, app, policy === 'auto-approve');
  });

  router.post('/:uid/login', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!forms.accepts(ctx, ctx.params.uid!)) ctx.throw(403, FORM_EXPIRED);
    if (details.prompt.name !== 'login' || details.result?.login) ctx.throw(409, 'This sign-in was already submitted. Continue in the window that submitted it.');
    const body = formBody(ctx);
    const user = typeof body.user_id === 'string' ? await findUser(db, body.user_id) : undefined;
    if (!user) return ctx.throw(400, 'Choose one of the test users.');
    await steps.signIn(ctx, details, user.id, 'picker');
  });

  router.post('/:uid/confirm', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!forms.accepts(ctx, ctx.params.uid!)) ctx.throw(403, FORM_EXPIRED);
    if (details.prompt.name !== 'consent' || details.result?.consent) ctx.throw(409, 'This consent was already submitted. Continue in the window that submitted it.');
    const body = formBody(ctx);
    if (body.decision === 'deny') return steps.deny(ctx, details, 'The user denied the request');
    if (body.decision !== 'approve') ctx.throw(400, 'Choose Approve or Deny.');
    const app = await loadApp(details);
    const memberships = await userMemberships(db, details.session!.accountId);
    const membership = memberships.find((m) => m.workspace.id === body.workspace_id);
    if (!membership) return ctx.throw(400, 'Choose one of your workspaces.');
    await steps.approve(ctx, details, app, membership, 'form');
  });

  router.post('/:uid/switch', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!forms.accepts(ctx, ctx.params.uid!)) ctx.throw(403, FORM_EXPIRED);
    // The browser's interaction cookie names the pending request; a form of an earlier one (answered since) switches nothing.
    if (details.result || details.uid !== ctx.params.uid) ctx.throw(409, ALREADY_ANSWERED);
    const resume = await restartSignIn(provider, details.uid);
    if (!resume) return ctx.throw(409, ALREADY_ANSWERED);
    deps.activity.record({ type: 'session.switch_user', clientId: details.params.client_id as string, accountId: details.session?.accountId ?? null, detail: { prompt: details.prompt.name } });
    ctx.status = 303;
    ctx.redirect(resume);
  });

  router.post('/:uid/abort', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!forms.accepts(ctx, ctx.params.uid!)) ctx.throw(403, FORM_EXPIRED);
    if (details.result) ctx.throw(409, ALREADY_ANSWERED);
    await steps.deny(ctx, details, 'The user cancelled the sign-in');
  });

  return router;
}
