import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ROLES } from '../../shared/roles';
import { findApp } from '../store/apps-store';
import { insertComment } from '../store/comments-store';
import type { Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import { findUser, findWorkspace, workspaceMembers } from '../store/identity-store';
import { notFound } from '../admin/errors';
import { BearerError } from '../http/errors';
import type { AuthorizedCaller } from './resource-guard';

/**
 * What the sample resources answer, whichever face asks: the REST API
 * (`/api/v1`, resource-api.ts) and the sample MCP server (`/mcp`, whose
 * tools return these as structured content under these schemas). Callers
 * have passed the named checks (resource-guard.ts) first.
 */

const workspaceSchema = z.object({ id: z.string(), name: z.string(), slug: z.string(), createdAt: z.number().describe('ms since the epoch') });

export const whoAmISchema = z.object({
  type: z.enum(['user', 'app']).describe('user: the token acts as a user; app: as the bot identity of an app'),
  id: z.string().describe('the user id, or bot:<client id>'),
  name: z.string(),
  email: z.string().optional(),
  groups: z.array(z.string()).optional(),
  app: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  workspace: workspaceSchema.extend({ role: z.enum(ROLES).optional() }).nullable().optional(),
});
export type WhoAmI = z.infer<typeof whoAmISchema>;

export const workspaceSummarySchema = workspaceSchema.extend({ memberCount: z.number().int() });

export const memberListSchema = z.object({
  data: z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES), joinedAt: z.string().describe('ISO 8601') })),
});

export const commentInputSchema = z.object({ body: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters') });

export const commentSchema = z.object({ id: z.string(), workspaceId: z.string(), authorId: z.string(), appId: z.string(), body: z.string(), createdAt: z.string().describe('ISO 8601') });

/** Who the token acts as: the user (with the role in the token's workspace), or the app's bot. */
export async function whoAmI(db: Db, caller: AuthorizedCaller): Promise<WhoAmI> {
  const workspace = caller.workspaceId ? await findWorkspace(db, caller.workspaceId) : undefined;
  if (caller.actor === 'app' || !caller.accountId) {
    const app = await findApp(db, caller.clientId);
    return { type: 'app', id: `bot:${caller.clientId}`, name: `${app?.name ?? caller.clientId} (bot)`, app: { id: caller.clientId, name: app?.name }, workspace };
  }
  const user = await findUser(db, caller.accountId);
  if (!user) throw new BearerError(401, 'invalid_token', 'The user of this token no longer exists');
  return { type: 'user', id: user.id, email: user.email, name: user.name, groups: user.groups, workspace: workspace ? { ...workspace, role: caller.role } : null };
}

export async function workspaceSummary(db: Db, workspaceId: string): Promise<z.infer<typeof workspaceSummarySchema>> {
  const workspace = await findWorkspace(db, workspaceId);
  if (!workspace) throw notFound('id', 'workspace');
  const members = await workspaceMembers(db, workspace.id);
  return { ...workspace, memberCount: members.length };
}

export async function memberList(db: Db, workspaceId: string): Promise<z.infer<typeof memberListSchema>> {
  const members = await workspaceMembers(db, workspaceId);
  return { data: members.map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role, joinedAt: new Date(m.created_at).toISOString() })) };
}

/** Stores a comment by the caller (the user, or the app's bot) in the workspace, and records it. */
export async function createComment(
  deps: { db: Db; activity: ActivityLog },
  caller: AuthorizedCaller,
  workspaceId: string,
  input: z.output<typeof commentInputSchema>,
): Promise<z.infer<typeof commentSchema>> {
  const comment = {
    id: `cmt_${randomBytes(9).toString('base64url')}`,
    workspace_id: workspaceId,
    author_id: caller.actor === 'app' || !caller.accountId ? `bot:${caller.clientId}` : caller.accountId,
    app_id: caller.clientId,
    body: input.body,
    created_at: Date.now(),
  };
  await insertComment(deps.db, comment);
  deps.activity.record({ type: 'api.comment_created', clientId: caller.clientId, accountId: caller.accountId, workspaceId, detail: { commentId: comment.id, actor: caller.actor } });
  return { id: comment.id, workspaceId, authorId: comment.author_id, appId: comment.app_id, body: comment.body, createdAt: new Date(comment.created_at).toISOString() };
}
