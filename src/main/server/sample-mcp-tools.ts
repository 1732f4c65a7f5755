import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { fieldErrorsFrom } from '../../shared/contract/errors';
import { sampleMcpToolScope, type SampleMcpToolName } from '../../shared/sample-mcp';
import { connectionsListInput, connectionsListOutput } from '../../shared/contract/tokens';
import { listConnections } from '../admin/connections';
import { invalid } from '../admin/errors';
import type Provider from 'oidc-provider';
import { AdminError } from '../http/errors';
import type { Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import { jsonSchemaOf, type ObjectSchema } from './mcp-json-schema';
import type { AuthorizedCaller } from './resource-guard';
import { commentInputSchema, commentSchema, createComment, memberList, memberListSchema, whoAmI, whoAmISchema, workspaceSummary, workspaceSummarySchema } from './sample-resources';

/** What a tool runs with: the engine, the store, the activity log, the caller the checks let through, and the token it presented. */
export interface SampleToolContext {
  provider: Provider;
  db: Db;
  activity: ActivityLog;
  caller: AuthorizedCaller;
  /** The presented access token (for `revoke_this_token`); never logged. */
  token: string;
}

/** One tool of the sample MCP server, its authorization included: checked at the HTTP layer before the SDK sees the call. */
export interface SampleTool {
  name: string;
  title: string;
  description: string;
  /** The catalog scope the tool needs; undefined: any valid token of this server will do. */
  scope: string | undefined;
  /** The tool acts on the token's workspace: the token must be bound to one. */
  onWorkspace: boolean;
  /** It writes: runs as one unit of work, rolled back if it fails. */
  writes: boolean;
  inputSchema: ObjectSchema;
  outputSchema: ObjectSchema;
  annotations: ToolAnnotations;
  /** Parses `input` (a bad one throws `invalid_input` naming the fields) and runs. */
  run(context: SampleToolContext, input: unknown): Promise<Record<string, unknown>>;
}

interface ToolDefinition<I extends z.ZodType, O extends z.ZodObject> {
  title: string;
  description: string;
  onWorkspace?: boolean;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  run(context: SampleToolContext, input: z.output<I>): Promise<z.input<O>>;
}

/** The token's workspace; the checks made sure a workspace tool has one. */
const workspaceOf = (caller: AuthorizedCaller): string => caller.workspaceId!;

const READS: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
const NO_INPUT = z.strictObject({});

/** A tool, its scope from the shared catalog (src/shared/sample-mcp.ts). */
function tool<I extends z.ZodType, O extends z.ZodObject>(name: SampleMcpToolName, definition: ToolDefinition<I, O>): SampleTool {
  const scope = sampleMcpToolScope(name);
  const scopeNote = scope ? ` Needs the "${scope}" scope.` : ' Any valid access token of this server will do.';
  return {
    name,
    title: definition.title,
    description: `${definition.description}${scopeNote}`,
    scope,
    onWorkspace: definition.onWorkspace ?? false,
    writes: definition.annotations.readOnlyHint !== true,
    inputSchema: jsonSchemaOf(definition.input, 'input', `sample mcp: ${name}`),
    outputSchema: jsonSchemaOf(definition.output, 'output', `sample mcp: ${name}`),
    annotations: definition.annotations,
    run: async (context, input) => {
      // A bad input is the spec's input validation error: a tool result naming the fields, which the model can fix.
      const parsed = definition.input.safeParse(input);
      if (!parsed.success) throw invalid(fieldErrorsFrom(parsed.error));
      return (await definition.run(context, parsed.data)) as Record<string, unknown>;
    },
  };
}

/** `connections.list`'s filters a caller may set for their own connections (the user is always the caller). */
const myConnectionsInput = connectionsListInput.pick({ status: true, limit: true, cursor: true });

/**
 * The sample MCP server's tools: the sample resource API's resources
 * (sample-resources.ts, the same answers as `/api/v1`), the caller's own
 * connections (the admin use case, held to the caller's user), and
 * revoking the token the call presents.
 */
export function sampleTools(): SampleTool[] {
  return [
    tool('whoami', {
      title: 'Who am I',
      description: 'Who the access token acts as: the user (with their role in the token\'s workspace), or the bot identity of an app. The same answer as GET /api/v1/me.',
      input: NO_INPUT,
      output: whoAmISchema,
      annotations: READS,
      run: ({ db, caller }) => whoAmI(db, caller),
    }),
    tool('get_workspace', {
      title: 'Get the workspace',
      description: "The token's workspace: its id, name, slug, creation time and member count.",
      onWorkspace: true,
      input: NO_INPUT,
      output: workspaceSummarySchema,
      annotations: READS,
      run: ({ db, caller }) => workspaceSummary(db, workspaceOf(caller)),
    }),
    tool('list_members', {
      title: 'List the members',
      description: "The members of the token's workspace: id, email, name, role and when they joined.",
      onWorkspace: true,
      input: NO_INPUT,
      output: memberListSchema,
      annotations: READS,
      run: ({ db, caller }) => memberList(db, workspaceOf(caller)),
    }),
    tool('post_comment', {
      title: 'Post a comment',
      description: "Posts a comment (1-2000 characters) in the token's workspace, authored by the user, or by the app's bot.",
      onWorkspace: true,
      input: commentInputSchema.strict(),
      output: commentSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      run: (context, input) => createComment(context, context.caller, workspaceOf(context.caller), input),
    }),
    tool('list_my_connections', {
      title: 'List my connections',
      description: 'The connections (consent grants) of the user the token acts as: app, workspace, scopes, last use, live tokens. Tokens that act as an app\'s bot have none.',
      input: myConnectionsInput,
      output: connectionsListOutput,
      annotations: READS,
      run: async (context, input) => {
        const { caller } = context;
        if (caller.actor !== 'self' || !caller.accountId) throw new AdminError({ code: 'forbidden', message: "This token acts as an app's bot, not as a user: there are no connections of its own to list" });
        return listConnections(context, { ...input, userId: caller.accountId });
      },
    }),
    tool('revoke_this_token', {
      title: 'Revoke this token',
      description: 'Revokes the access token this call presents (as RFC 7009 revocation would); every later request with it gets 401. Its connection and refresh token stay.',
      input: NO_INPUT,
      output: z.object({ revoked: z.number().int().describe('1: revoked now; 0: it was not live any more') }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      // The engine's own revocation (what RFC 7009 does): the row is kept, marked revoked, and recorded as token.revoked.
      run: async ({ provider, token }) => {
        const model = (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token));
        if (!model) return { revoked: 0 };
        await model.destroy();
        return { revoked: 1 };
      },
    }),
  ];
}
