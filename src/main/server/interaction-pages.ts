import type { Context } from 'koa';
import { createElement } from 'react';
import { ConsentScreen, type ConsentViewModel } from '../../shared/consent/ConsentScreen';
import { SignInScreen } from '../../shared/consent/SignInScreen';
import { renderPage } from '../http/html';
import { allowFormTarget } from '../http/security-headers';
import type { AppRecord } from '../store/apps-store';
import type { Db } from '../store/database';
import { listUsers, membershipsByUser, type UserRecord } from '../store/identity-store';

/** Sends a page; its forms may lead on to the app's redirect URI (the engine checked it), nowhere else. */
function sendPage(ctx: Context, redirectUri: unknown, app: AppRecord, html: string): void {
  allowFormTarget(ctx.res, typeof redirectUri === 'string' ? redirectUri : app.redirectUris[0]);
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'html';
  ctx.body = html;
}

export interface PageTarget {
  uid: string;
  csrf: string;
  /** The request's `redirect_uri`, where the page's forms may lead. */
  redirectUri: unknown;
}

/** Where "Not you? Switch user" posts for the interaction `uid` (server/switch-user.ts). */
const switchActionOf = (uid: string) => `/interaction/${uid}/switch`;

/**
 * The sign-in page: every test user, labelled with their roles, `chosen`
 * (the hinted user, or the one this browser is signed in as) first chosen,
 * with "Not you? Switch user" to decline that choice.
 */
export async function sendSignInPage(ctx: Context, db: Db, app: AppRecord, target: PageTarget, chosen: UserRecord | undefined): Promise<void> {
  const [users, memberships] = await Promise.all([listUsers(db), membershipsByUser(db)]);
  const labelled = users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    roles: (memberships.get(u.id) ?? []).map((m) => `${m.role} · ${m.workspace.name}`).join(', ') || 'no workspace',
  }));
  const model = {
    app: { name: app.name, logoUrl: app.logoUrl },
    users: labelled,
    hintedUserId: chosen?.id ?? null,
    ...(chosen ? { switchAction: switchActionOf(target.uid) } : {}),
    action: `/interaction/${target.uid}/login`,
    abortAction: `/interaction/${target.uid}/abort`,
    csrf: target.csrf,
  };
  sendPage(ctx, target.redirectUri, app, renderPage(`Sign in · ${app.name}`, createElement(SignInScreen, { model })));
}

/** The consent page for the model the console's preview shows too (src/main/oauth/consent-model.ts). */
export function sendConsentPage(ctx: Context, app: AppRecord, target: PageTarget, model: Omit<ConsentViewModel, 'action' | 'csrf' | 'switchAction'>): void {
  const html = renderPage(`Authorize ${app.name}`, createElement(ConsentScreen, { model: { ...model, action: `/interaction/${target.uid}/confirm`, switchAction: switchActionOf(target.uid), csrf: target.csrf } }));
  sendPage(ctx, target.redirectUri, app, html);
}
