import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SimulationEndpoint } from '../../shared/contract/simulation';
import { basicClientId, ENGINE_BODY_LIMIT } from './engine-limits';
import { onlyFor } from '../http/pass-by';
import { ROUTES } from './routes';
import { SimulatedError, writeSimulatedAnswer, type AnswerFace } from './simulated-answers';
import { delay, type EffectFilter, type Simulation } from './simulation';

/** The engine's endpoints rules can aim at, by path. */
const ENDPOINT_OF_PATH = new Map<string, SimulationEndpoint>([
  [ROUTES.authorization, 'authorize'],
  [ROUTES.token, 'token'],
  [ROUTES.userinfo, 'userinfo'],
  [ROUTES.introspection, 'introspection'],
  [ROUTES.revocation, 'revocation'],
  [ROUTES.registration, 'registration'],
  [ROUTES.jwks, 'jwks'],
]);

/** At the authorization endpoint the middleware adds latency and 429/503; its RFC errors come from inside the engine (below). */
const BEFORE_AUTHORIZATION: EffectFilter = new Set(['latency', 'status']);
const AUTHORIZATION_ERRORS: EffectFilter = new Set(['error']);

const FACE_OF: Record<string, AnswerFace> = { authorize: { kind: 'page' }, userinfo: { kind: 'bearer' } };

/**
 * Reads a token request's form body ahead of the engine, for rules narrowed
 * to an app or a grant type, and hands the same bytes on: the engine's body
 * reader (oidc-provider's lib/shared/selective_body.js) reads
 * `req.iterator()` while `req.readable`, so both are put back on this one
 * request. Only a body with a Content-Length within the engine's limit is
 * read; any other is left to the engine (and to its 413).
 */
async function peekTokenForm(ctx: KoaContextWithOIDC): Promise<URLSearchParams | undefined> {
  const length = ctx.request.length;
  if (ctx.method !== 'POST' || !ctx.is('application/x-www-form-urlencoded') || length === undefined || length > ENGINE_BODY_LIMIT) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  Object.defineProperty(ctx.req, 'readable', { value: true, configurable: true });
  Object.defineProperty(ctx.req, 'iterator', {
    configurable: true,
    value: async function* iterator() {
      yield body;
    },
  });
  return new URLSearchParams(body.toString('utf8'));
}

/** What a request to the engine is, for the rules: its endpoint, app and grant type where they can be known before the engine runs. */
async function describe(ctx: KoaContextWithOIDC, simulation: Simulation, endpoint: SimulationEndpoint) {
  if (endpoint === 'authorize') return { endpoint, clientId: typeof ctx.query.client_id === 'string' ? ctx.query.client_id : undefined };
  if (endpoint !== 'token' || !(simulation.aimsAt('token', 'app') || simulation.aimsAt('token', 'grantType'))) return { endpoint, clientId: basicClientId(ctx) };
  const form = await peekTokenForm(ctx);
  return { endpoint, clientId: basicClientId(ctx) ?? form?.get('client_id') ?? undefined, grantType: form?.get('grant_type') ?? undefined };
}

/**
 * Fault and latency simulation in front of the engine's endpoints, before
 * any unit of work starts (a slow answer holds no transaction) and before
 * the rate limits (a simulated failure does not count against the client).
 * A faulted request never reaches the engine: a code or refresh token sent
 * with it stays unused.
 */
export function installSimulation(provider: Provider, simulation: Simulation): void {
  const aimedAt = (ctx: KoaContextWithOIDC) => {
    const endpoint = ENDPOINT_OF_PATH.get(ctx.path);
    return endpoint !== undefined && simulation.aimsAt(endpoint);
  };
  provider.use(onlyFor(aimedAt, async (ctx, next) => {
    const endpoint = ENDPOINT_OF_PATH.get(ctx.path)!;
    const request = await describe(ctx, simulation, endpoint);
    const verdict = await simulation.decide(request, endpoint === 'authorize' ? BEFORE_AUTHORIZATION : undefined);
    if (verdict) await delay(verdict.latencyMs);
    if (!verdict?.answer) return next();
    writeSimulatedAnswer(ctx, verdict.answer, FACE_OF[endpoint] ?? { kind: 'json' });
  }));
}

/**
 * The authorization endpoint's simulated RFC errors, as an `extraParams`
 * validator: the engine runs it once the client, the redirect URI and PKCE
 * are checked (lib/actions/authorization/index.js, `checkExtraParams`), so
 * the error it throws is answered as the engine answers its own: a redirect
 * to the verified redirect URI with `error`, `state` and `iss`. The
 * parameter it is registered under (`oc_simulation`) carries nothing.
 */
export function simulatedAuthorizationErrors(simulation: Simulation) {
  return async (ctx: KoaContextWithOIDC, _value: string | undefined, client: { clientId: string }): Promise<void> => {
    if (ctx.oidc.route !== 'authorization' || !simulation.aimsAt('authorize')) return;
    const verdict = await simulation.decide({ endpoint: 'authorize', clientId: client.clientId }, AUTHORIZATION_ERRORS);
    if (verdict?.answer?.kind === 'error') throw new SimulatedError(verdict.answer.error);
  };
}

/** The name the validator above is registered under in `extraParams`. */
export const SIMULATION_PARAM = 'oc_simulation';
