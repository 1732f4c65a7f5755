import type Koa from 'koa';
import type Provider from 'oidc-provider';
import type { SettingsStore } from '../store/settings-store';
import { onlyFor } from '../http/pass-by';
import { ROUTES } from './routes';

/**
 * Applies the dynamic-registration policy in front of the engine's
 * registration endpoint, so it can change at run time: `open` (default on a
 * local server), `initial-access-token` (RFC 7591 section 3: a bearer token
 * issued by an admin), or `off`.
 */
export function installRegistrationGate(provider: Provider, settings: SettingsStore): void {
  const applies = (ctx: Koa.Context) => ctx.path === ROUTES.registration && ctx.method === 'POST';
  provider.use(onlyFor(applies, async (ctx, next) => {
    const policy = settings.current.registrationPolicy;
    if (policy === 'off') {
      ctx.status = 403;
      ctx.body = { error: 'access_denied', error_description: 'dynamic client registration is turned off on this server' };
      return;
    }
    if (policy === 'initial-access-token') {
      const match = /^Bearer (\S+)$/i.exec(ctx.get('authorization'));
      const token = match ? await provider.InitialAccessToken.find(match[1]!) : undefined;
      if (!token) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer realm="registration", error="invalid_token", error_description="an initial access token is required"');
        ctx.body = { error: 'invalid_token', error_description: 'dynamic client registration requires an initial access token' };
        return;
      }
    }
    return next();
  }));
}

/** Issues an initial access token for registration (shown once, stored hashed). */
export async function createInitialAccessToken(provider: Provider, expiresInSeconds = 86400): Promise<string> {
  const token = new provider.InitialAccessToken({ expiresIn: expiresInSeconds } as never);
  const value = await token.save();
  return value;
}
