import type { Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { adminContract, PROCEDURE_NAMES, type ProcedureDefinition, type ProcedureName } from '../../shared/contract/procedures';
import { jsonSchemaOf } from './mcp-json-schema';

/** What one verb does to the server's state, in MCP's terms (ignored for queries). */
interface MutationEffect {
  /** false: it only adds (the spec's "additive updates"). */
  destructive: boolean;
  /** true: calling it again with the same input changes nothing more. */
  idempotent: boolean;
}

/** Verbs that only add something: creating twice makes two. */
const ADDITIVE = /^create/;
/** Verbs that replace a secret or key with a fresh one on every call. */
const ROTATING = /^rotate/;

function mutationEffect(verb: string): MutationEffect {
  if (ADDITIVE.test(verb)) return { destructive: false, idempotent: false };
  if (ROTATING.test(verb)) return { destructive: true, idempotent: false };
  // update, set*, delete, remove, revoke*: the same input twice leaves the same state.
  return { destructive: true, idempotent: true };
}

/**
 * Hints for MCP clients, from the procedure's `kind` and verb: a query only
 * reads; a mutation is destructive unless it only creates (an update
 * overwrites what was there, so it counts as destructive, as the spec
 * defines it). Nothing reaches outside the local server (openWorldHint false).
 */
export function toolAnnotations(procedure: ProcedureName, kind: ProcedureDefinition['kind']): ToolAnnotations {
  if (kind === 'query') return { readOnlyHint: true, openWorldHint: false };
  const effect = mutationEffect(procedure.slice(procedure.lastIndexOf('.') + 1));
  return { readOnlyHint: false, destructiveHint: effect.destructive, idempotentHint: effect.idempotent, openWorldHint: false };
}

/**
 * One MCP tool per admin procedure, generated from the contract: the
 * procedure's name as the tool's (`apps.list`: dots are allowed in MCP
 * tool names), its summary as the description, its zod input and output
 * schemas as JSON Schema, and annotations from its kind.
 */
export function adminTools(): Tool[] {
  return PROCEDURE_NAMES.map((name) => {
    const definition: ProcedureDefinition = adminContract[name];
    return {
      name,
      description: definition.summary,
      inputSchema: jsonSchemaOf(definition.input, 'input', `admin mcp: ${name}`),
      outputSchema: jsonSchemaOf(definition.output, 'output', `admin mcp: ${name}`),
      annotations: toolAnnotations(name, definition.kind),
    };
  });
}
