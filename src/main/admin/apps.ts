import { isDeepStrictEqual } from 'node:util';
import { appShapeProblems, defaultPkcePolicy, type App } from '../../shared/contract/apps';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { hashSecret, secretHint } from '../secrets/crypto';
import {
  deleteAppCascade,
  findApp,
  insertApp,
  listAppRecords,
  newClientSecret,
  setAppConsentPolicyRow,
  setAppSecret,
  updateAppRecord,
  type AppOrigin,
  type AppRecord,
} from '../store/apps-store';
import { unitOfWork } from '../store/database';
import type { SettingsStore } from '../store/settings-store';
import { appTokenStats } from '../store/tokens-store';
import { workspaceExists } from '../store/workspaces-store';
import { by, type Actor, type AdminServer } from './context';
import { decodeListCursor, encodeListCursor } from './cursor';
import { conflict, invalid, notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'settings' | 'activity' | 'clientCache'>;

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
  const { workspaceId, clientType, origin, environment, search } = input;
  const filters = Object.fromEntries(Object.entries({ workspaceId, clientType, origin, environment, search }).filter(([, v]) => v !== undefined));
  const after = input.cursor ? decodeListCursor(input.cursor) : undefined;
  const { records, more } = await listAppRecords(ctx.db, filters, after, input.limit);
  const last = records.at(-1);
  return {
    items: records.map((record) => toApp(record, ctx.settings)),
    nextCursor: more && last ? encodeListCursor(last.createdAt, last.id) : null,
  };
}

export async function getApp(ctx: Ctx, input: ParsedInput<'apps.get'>): Promise<ProcedureOutput<'apps.get'>> {
  const app = await requireApp(ctx, input.id);
  return { ...toApp(app, ctx.settings), stats: await appTokenStats(ctx.db, app.id) };
}

export interface CreateAppOptions {
  origin: Extract<AppOrigin, 'console' | 'api'>;
  actor: Actor;
}

export async function createApp(ctx: Ctx, input: ParsedInput<'apps.create'>, options: CreateAppOptions): Promise<ProcedureOutput<'apps.create'>> {
  if (!(await workspaceExists(ctx.db, input.workspaceId))) throw notFound('workspaceId', 'workspace');
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
    idTokenClaims: input.idTokenClaims,
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
      idTokenClaims: app.idTokenClaims,
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
  await updateAppRecord(ctx.db, next, patch.redirectUris !== undefined || patch.postLogoutRedirectUris !== undefined);
  ctx.clientCache.invalidate(id);
  ctx.activity.record({ type: 'app.updated', clientId: id, workspaceId: app.workspaceId, detail: { ...by(actor), changed } });
  return toApp((await findApp(ctx.db, id))!, ctx.settings);
}

export async function deleteApp(ctx: Ctx, input: ParsedInput<'apps.delete'>, actor: Actor): Promise<ProcedureOutput<'apps.delete'>> {
  const app = await requireApp(ctx, input.id);
  const revokedTokens = await deleteAppCascade(ctx.db, app.id);
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
    await setAppSecret(ctx.db, app.id, { hash: hashSecret(clientSecret), hint: secretHint(clientSecret) });
    ctx.clientCache.invalidate(app.id);
    ctx.activity.record({ type: 'app.secret_rotated', clientId: app.id, workspaceId: app.workspaceId, detail: by(actor) });
    return { app: toApp((await findApp(ctx.db, app.id))!, ctx.settings), clientSecret };
  });
}

export async function setAppConsentPolicy(ctx: Ctx, input: ParsedInput<'apps.setConsentPolicy'>, actor: Actor): Promise<ProcedureOutput<'apps.setConsentPolicy'>> {
  const app = await requireApp(ctx, input.id);
  await setAppConsentPolicyRow(ctx.db, app.id, input.consentPolicy);
  ctx.clientCache.invalidate(app.id);
  ctx.activity.record({ type: 'app.consent_policy_set', clientId: app.id, workspaceId: app.workspaceId, detail: { ...by(actor), consentPolicy: input.consentPolicy } });
  return toApp((await findApp(ctx.db, app.id))!, ctx.settings);
}
