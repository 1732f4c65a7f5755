import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { appShapeProblems, defaultPkcePolicy, type App } from '../../shared/contract/apps';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { hashSecret, secretHint } from '../secrets/crypto';
import { findApp, insertApp, newClientSecret, toRecord, writeUris, type AppOrigin, type AppRecord } from '../store/apps-store';
import { unitOfWork } from '../store/database';
import type { SettingsStore } from '../store/settings-store';
import { APP_BOUND_MODELS, revokeRows, TOKEN_KIND_MODELS } from '../store/tokens-store';
import { by, type Actor, type AdminServer } from './context';
import { decodeListCursor, encodeListCursor } from './cursor';
import { conflict, invalid, notFound } from './errors';
import { containsText } from '../store/text-search';

type Ctx = Pick<AdminServer, 'db' | 'settings' | 'activity' | 'clientCache'>;

/** Engine models that belong to an app and are revoked (not deleted) with it. */

/** The contract's view of an app: its record plus the consent policy in force. */
export function toApp(record: AppRecord, settings: SettingsStore): App {
  return { ...record, effectiveConsentPolicy: record.consentPolicy ?? settings.current.consentPolicy };
}

async function requireApp(ctx: Ctx, id: string, field = 'id'): Promise<AppRecord> {
  const app = await findApp(ctx.db, id);
  if (!app) throw notFound(field, 'app');
  return app;
}

export async function listApps(ctx: Ctx, input: ParsedInput<'apps.list'>): Promise<ProcedureOutput<'apps.list'>> {
  let query = ctx.db.selectFrom('apps').selectAll();
  if (input.workspaceId) query = query.where('workspace_id', '=', input.workspaceId);
  if (input.clientType) query = query.where('client_type', '=', input.clientType);
  if (input.origin) query = query.where('origin', '=', input.origin);
  if (input.environment) query = query.where('environment', '=', input.environment);
  if (input.search) {
    const search = input.search;
    query = query.where((eb) => containsText([eb.ref('name'), eb.ref('id'), sql`coalesce(${eb.ref('description')}, '')`], search));
  }
  if (input.cursor) {
    const after = decodeListCursor(input.cursor);
    query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(input.limit + 1).execute();
  const page = rows.slice(0, input.limit);
  const uris = page.length
    ? await ctx.db.selectFrom('app_redirect_uris').selectAll().where('app_id', 'in', page.map((r) => r.id)).orderBy('position').execute()
    : [];
  const last = page.at(-1);
  return {
    items: page.map((row) => toApp(toRecord(row, uris.filter((u) => u.app_id === row.id)), ctx.settings)),
    nextCursor: rows.length > input.limit && last ? encodeListCursor(last.created_at, last.id) : null,
  };
}

export async function getApp(ctx: Ctx, input: ParsedInput<'apps.get'>): Promise<ProcedureOutput<'apps.get'>> {
  const app = await requireApp(ctx, input.id);
  const now = Date.now();
  const active = (kinds: string[]) =>
    ctx.db
      .selectFrom('oidc_models')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('created_at').as('latest')])
      .where('client_id', '=', app.id)
      .where('kind', 'in', kinds)
      .where('revoked_at', 'is', null)
      .where('consumed_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirstOrThrow();
  const tokens = await active(['AccessToken', 'RefreshToken', 'ClientCredentials']);
  const grants = await active(['Grant']);
  const latest = await ctx.db
    .selectFrom('oidc_models')
    .select((eb) => eb.fn.max('created_at').as('latest'))
    .where('client_id', '=', app.id)
    .where('kind', 'in', Object.values(TOKEN_KIND_MODELS))
    .executeTakeFirstOrThrow();
  return {
    ...toApp(app, ctx.settings),
    stats: { activeTokens: Number(tokens.count), activeConnections: Number(grants.count), lastUsedAt: latest.latest === null ? null : Number(latest.latest) },
  };
}

export interface CreateAppOptions {
  origin: Extract<AppOrigin, 'console' | 'api'>;
  actor: Actor;
}

export async function createApp(ctx: Ctx, input: ParsedInput<'apps.create'>, options: CreateAppOptions): Promise<ProcedureOutput<'apps.create'>> {
  const workspace = await ctx.db.selectFrom('workspaces').select('id').where('id', '=', input.workspaceId).executeTakeFirst();
  if (!workspace) throw notFound('workspaceId', 'workspace');
  const { app, clientSecret } = await insertApp(ctx.db, {
    workspaceId: input.workspaceId,
    name: input.name,
    description: input.description ?? null,
    homepageUrl: input.homepageUrl ?? null,
    logoUrl: input.logoUrl ?? null,
    privacyUrl: input.privacyUrl ?? null,
    termsUrl: input.termsUrl ?? null,
    clientType: input.clientType,
    redirectUris: input.redirectUris,
    postLogoutRedirectUris: input.postLogoutRedirectUris,
    grantTypes: input.grantTypes,
    scopes: input.scopes,
    actorModes: input.actorModes,
    environment: input.environment,
    origin: options.origin,
    consentPolicy: input.consentPolicy,
    pkcePolicy: input.pkcePolicy ?? defaultPkcePolicy(input.clientType),
    singleLiveToken: input.singleLiveToken,
  });
  ctx.activity.record({
    type: 'app.created',
    clientId: app.id,
    workspaceId: app.workspaceId,
    detail: {
      ...by(options.actor),
      name: app.name,
      clientType: app.clientType,
      scopes: app.scopes,
      redirectUris: app.redirectUris,
      pkcePolicy: app.pkcePolicy,
      singleLiveToken: app.singleLiveToken,
    },
  });
  return { app: toApp(app, ctx.settings), clientSecret };
}

export async function updateApp(ctx: Ctx, input: ParsedInput<'apps.update'>, actor: Actor): Promise<ProcedureOutput<'apps.update'>> {
  const app = await requireApp(ctx, input.id);
  const { id, ...patch } = input;
  const next = { ...app, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as AppRecord;
  const problems = appShapeProblems(next);
  if (problems.length) throw invalid(problems);
  const changed = Object.keys(patch).filter((key) => !isDeepStrictEqual((patch as Record<string, unknown>)[key], (app as unknown as Record<string, unknown>)[key]));
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('apps')
      .set({
        name: next.name,
        description: next.description,
        homepage_url: next.homepageUrl,
        logo_url: next.logoUrl,
        privacy_url: next.privacyUrl,
        terms_url: next.termsUrl,
        grant_types: JSON.stringify(next.grantTypes),
        scopes: JSON.stringify(next.scopes),
        actor_modes: JSON.stringify(next.actorModes),
        environment: next.environment,
        consent_policy: next.consentPolicy,
        pkce_policy: next.pkcePolicy,
        single_live_token: next.singleLiveToken ? 1 : 0,
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .execute();
    if (patch.redirectUris !== undefined || patch.postLogoutRedirectUris !== undefined) {
      await writeUris(trx, id, next.redirectUris, next.postLogoutRedirectUris);
    }
  });
  ctx.clientCache.invalidate(id);
  ctx.activity.record({ type: 'app.updated', clientId: id, workspaceId: app.workspaceId, detail: { ...by(actor), changed } });
  return toApp((await findApp(ctx.db, id))!, ctx.settings);
}

export async function deleteApp(ctx: Ctx, input: ParsedInput<'apps.delete'>, actor: Actor): Promise<ProcedureOutput<'apps.delete'>> {
  const app = await requireApp(ctx, input.id);
  const revokedTokens = await ctx.db.transaction().execute(async (trx) => {
    const revoked = await revokeRows(trx, (eb) => eb.and([eb('client_id', '=', app.id), eb('kind', 'in', APP_BOUND_MODELS)]));
    await trx.deleteFrom('apps').where('id', '=', app.id).execute();
    return revoked;
  });
  ctx.clientCache.invalidate(app.id);
  ctx.activity.record({ type: 'app.deleted', clientId: app.id, workspaceId: app.workspaceId, detail: { ...by(actor), name: app.name, revokedTokens } });
  return { deleted: true, revokedTokens };
}

/**
 * A new secret, atomically: the read of the current secret, the write and the
 * read-back are one unit of work, so the secret and hint returned belong
 * together, and of rotations racing the last to commit is the one that works.
 */
export async function rotateAppSecret(ctx: Ctx, input: ParsedInput<'apps.rotateSecret'>, actor: Actor): Promise<ProcedureOutput<'apps.rotateSecret'>> {
  return unitOfWork(ctx.db, async () => {
    const app = await requireApp(ctx, input.id);
    if (app.clientType !== 'confidential') throw conflict('id', 'public apps have no client secret to rotate');
    const clientSecret = newClientSecret();
    const now = Date.now();
    await ctx.db
      .updateTable('apps')
      .set({ secret_hash: hashSecret(clientSecret), secret_hint: secretHint(clientSecret), secret_rotated_at: now, updated_at: now })
      .where('id', '=', app.id)
      .execute();
    ctx.clientCache.invalidate(app.id);
    ctx.activity.record({ type: 'app.secret_rotated', clientId: app.id, workspaceId: app.workspaceId, detail: by(actor) });
    return { app: toApp((await findApp(ctx.db, app.id))!, ctx.settings), clientSecret };
  });
}

export async function setAppConsentPolicy(ctx: Ctx, input: ParsedInput<'apps.setConsentPolicy'>, actor: Actor): Promise<ProcedureOutput<'apps.setConsentPolicy'>> {
  const app = await requireApp(ctx, input.id);
  await ctx.db.updateTable('apps').set({ consent_policy: input.consentPolicy, updated_at: Date.now() }).where('id', '=', app.id).execute();
  ctx.clientCache.invalidate(app.id);
  ctx.activity.record({ type: 'app.consent_policy_set', clientId: app.id, workspaceId: app.workspaceId, detail: { ...by(actor), consentPolicy: input.consentPolicy } });
  return toApp((await findApp(ctx.db, app.id))!, ctx.settings);
}
