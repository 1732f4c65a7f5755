import type { ProcedureName } from '../../shared/contract/procedures';
import { findApp } from '../store/apps-store';
import type { Db } from '../store/database';
import { CONSOLE, type Actor } from './context';
import { notFound } from './errors';

/**
 * Who makes an admin call, and within what. The console (IPC, the admin
 * HTTP transport, the admin MCP tools) sees every workspace; a caller of
 * the management REST API is held to its own workspace.
 */
export interface Caller {
  actor: Actor;
  /** Set for a caller held to one workspace: it sees and changes that workspace's apps only. */
  workspaceId?: string;
}

export const CONSOLE_CALLER: Caller = { actor: CONSOLE };

/**
 * What a workspace-held caller may call, and how its workspace applies:
 * `list` filters by it, `create` creates in it, `app` needs the app named
 * by `id` (`appId`: by `appId`, for its webhooks) to belong to it (any other app is "not found"). Everything else
 * is the console's alone.
 */
const WORKSPACE_RULE: Partial<Record<ProcedureName, 'list' | 'create' | 'app' | 'appId'>> = {
  'apps.list': 'list',
  'apps.create': 'create',
  'apps.get': 'app',
  'apps.update': 'app',
  'apps.delete': 'app',
  'apps.rotateSecret': 'app',
  'apps.setConsentPolicy': 'app',
  'webhooks.list': 'appId',
  'webhooks.create': 'appId',
  'webhooks.update': 'appId',
  'webhooks.delete': 'appId',
  'webhooks.rotateSecret': 'appId',
  'webhooks.deliveries': 'appId',
  'webhooks.redeliver': 'appId',
  'webhooks.sendTest': 'appId',
};

/** Whether a workspace-held caller may call this procedure at all. */
export function allowedInWorkspace(procedure: ProcedureName): boolean {
  return WORKSPACE_RULE[procedure] !== undefined;
}

/**
 * Applies the caller's workspace to a parsed input: the input to run with,
 * or a `not_found` for an app of another workspace. Run it inside the call's
 * unit of work, so the check and the change see the same app.
 */
export async function withinWorkspace<I>(db: Db, procedure: ProcedureName, caller: Caller, input: I): Promise<I> {
  const workspaceId = caller.workspaceId;
  if (workspaceId === undefined) return input;
  const rule = WORKSPACE_RULE[procedure];
  if (rule === 'list' || rule === 'create') return { ...input, workspaceId };
  // `app`: the input's `id` is the app; `appId`: the input names its app in `appId` (its webhooks).
  const field = rule === 'appId' ? 'appId' : 'id';
  const id = (input as Record<string, unknown>)[field];
  const app = typeof id === 'string' ? await findApp(db, id) : undefined;
  if (!app || app.workspaceId !== workspaceId) throw notFound(field, 'OAuth application in your workspace');
  return input;
}
