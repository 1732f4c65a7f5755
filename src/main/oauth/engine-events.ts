import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ActivityLog } from '../store/events-store';
import type { EventType } from '../../shared/events';

interface TokenLike {
  kind?: string;
  clientId?: string;
  accountId?: string;
  scope?: string;
  grantId?: string;
  extra?: Record<string, unknown>;
  gty?: string;
}

function requestDetail(ctx: KoaContextWithOIDC | undefined): Record<string, unknown> {
  if (!ctx) return {};
  return { method: ctx.method, path: ctx.path, ip: ctx.ip, userAgent: ctx.get?.('user-agent') || undefined };
}

function tokenDetail(token: TokenLike): Record<string, unknown> {
  return { kind: token.kind, scope: token.scope, grantType: token.gty, actor: token.extra?.actor };
}

/**
 * Turns the engine's events into activity-log entries. Only metadata is
 * recorded: token values never leave the engine (the log also redacts any
 * credential-named field as a second line of defence).
 */
export function recordEngineEvents(provider: Provider, activity: ActivityLog): void {
  const onToken = (type: EventType) => (token: TokenLike) =>
    activity.record({
      type,
      clientId: token.clientId,
      accountId: token.accountId,
      workspaceId: (token.extra?.workspace_id as string | undefined) ?? null,
      detail: tokenDetail(token),
    });
  provider.on('authorization_code.saved', onToken('code.issued'));
  provider.on('authorization_code.consumed', onToken('code.consumed'));
  provider.on('access_token.saved', onToken('token.issued'));
  provider.on('access_token.destroyed', onToken('token.revoked'));
  provider.on('client_credentials.saved', onToken('token.issued'));
  provider.on('client_credentials.destroyed', onToken('token.revoked'));
  provider.on('refresh_token.saved', onToken('refresh_token.issued'));
  provider.on('refresh_token.consumed', onToken('token.refreshed'));
  provider.on('refresh_token.destroyed', onToken('refresh_token.revoked'));

  provider.on('authorization.accepted', (ctx: KoaContextWithOIDC) =>
    activity.record({
      type: 'authorization.requested',
      clientId: ctx.oidc.client?.clientId,
      detail: { ...requestDetail(ctx), scope: ctx.oidc.params?.scope, redirectUri: ctx.oidc.params?.redirect_uri, prompt: ctx.oidc.params?.prompt },
    }),
  );
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) =>
    activity.record({ type: 'grant.revoked', clientId: ctx.oidc?.client?.clientId, detail: { ...requestDetail(ctx), grantId } }),
  );
  provider.on('grant.success', (ctx: KoaContextWithOIDC) =>
    activity.record({
      type: 'token.exchange',
      clientId: ctx.oidc.client?.clientId,
      accountId: ctx.oidc.account?.accountId,
      detail: { ...requestDetail(ctx), grantType: ctx.oidc.params?.grant_type },
    }),
  );
  provider.on('registration_create.success', (ctx: KoaContextWithOIDC, client: { clientId: string }) =>
    activity.record({ type: 'client.registered', clientId: client.clientId, detail: requestDetail(ctx) }),
  );
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) =>
    activity.record({ type: 'session.ended', clientId: ctx.oidc.client?.clientId, detail: requestDetail(ctx) }),
  );

  const errorEvents: Array<[string, EventType]> = [
    ['authorization.error', 'authorization.rejected'],
    ['grant.error', 'token.rejected'],
    ['introspection.error', 'introspection.rejected'],
    ['revocation.error', 'revocation.rejected'],
    ['userinfo.error', 'userinfo.rejected'],
    ['registration_create.error', 'registration.rejected'],
    ['end_session.error', 'session.end_rejected'],
    ['pushed_authorization_request.error', 'par.rejected'],
  ];
  for (const [engineEvent, type] of errorEvents) {
    provider.on(engineEvent as 'server_error', (ctx: KoaContextWithOIDC, err: { error?: string; error_description?: string; message?: string }) =>
      activity.record({
        type,
        level: 'warn',
        clientId: ctx?.oidc?.client?.clientId,
        detail: { ...requestDetail(ctx), error: err.error ?? 'error', description: err.error_description ?? err.message },
      }),
    );
  }
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) =>
    activity.record({ type: 'server.error', level: 'error', clientId: ctx?.oidc?.client?.clientId, detail: { ...requestDetail(ctx), message: err.message } }),
  );
}
