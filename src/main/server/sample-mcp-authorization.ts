import { z } from 'zod';
import { parseScope } from '../../shared/scopes';
import type { Db } from '../store/database';
import { BearerError } from '../http/errors';
import type { BearerPrincipal } from './bearer';
import { authorizeScope, type AuthorizedCaller } from './resource-guard';
import type { SampleTool } from './sample-mcp-tools';

/**
 * The scopes a 403 asks a client to step up to: what the token has plus
 * what the refused calls need, in catalog order. The spec's "recommended
 * approach" (Scope Challenge Handling): the SDK's client, like others,
 * re-authorizes with exactly the challenged set, so naming only the missing
 * scope would make it lose those it had.
 */
export function stepUpScope(principal: BearerPrincipal, needed: readonly string[]): string {
  return parseScope([...principal.scopes, ...needed].join(' ')).join(' ');
}

/** What a request to `/mcp` names as tool calls: JSON-RPC `tools/call` requests with a tool name. */
const toolCall = z.looseObject({ jsonrpc: z.literal('2.0'), id: z.union([z.string(), z.number()]), method: z.literal('tools/call'), params: z.looseObject({ name: z.string() }) });

/** The tool names a parsed body calls (a single message or a batch); anything else is the SDK's to answer. */
export function calledToolNames(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const parsed = toolCall.safeParse(message);
    return parsed.success ? [parsed.data.params.name] : [];
  });
}

/**
 * The authorization of one HTTP request's caller, per tool, decided once:
 * the HTTP layer awaits it before the SDK sees the call (so a refusal is an
 * HTTP 403 a client can step up from), and the tool's handler awaits the
 * same decision (so no call runs unchecked, whatever reaches the handler).
 */
export class McpRequestAuthorization {
  readonly #decisions = new Map<string, Promise<AuthorizedCaller>>();
  constructor(
    private readonly db: Db,
    readonly principal: BearerPrincipal,
  ) {}

  /** The named checks of `tool` (scope, workspace, role; resource-guard.ts), or the token alone for a tool that needs no scope. */
  authorize(tool: Pick<SampleTool, 'name' | 'scope' | 'onWorkspace'>): Promise<AuthorizedCaller> {
    let decision = this.#decisions.get(tool.name);
    if (!decision) {
      decision = tool.scope ? authorizeScope(this.db, this.principal, tool.scope, tool.onWorkspace ? {} : undefined) : Promise.resolve(this.principal);
      this.#decisions.set(tool.name, decision);
    }
    return decision;
  }

  /**
   * Checks every tool the body calls. A refusal throws one 403
   * `insufficient_scope` naming the step-up scope for all of them; the
   * tools it does not know are left to the SDK (a JSON-RPC error).
   */
  async authorizeCalls(tools: ReadonlyMap<string, SampleTool>, body: unknown): Promise<void> {
    const refusals: BearerError[] = [];
    for (const name of new Set(calledToolNames(body))) {
      const tool = tools.get(name);
      if (!tool) continue;
      await this.authorize(tool).catch((err: unknown) => {
        if (!(err instanceof BearerError)) throw err;
        refusals.push(err);
      });
    }
    const [first] = refusals;
    if (!first) return;
    const needed = refusals.map((refusal) => refusal.scope).filter((scope): scope is string => scope !== undefined);
    throw new BearerError(first.status, first.challenge, refusals.map((refusal) => refusal.message).join('; '), stepUpScope(this.principal, needed));
  }
}
