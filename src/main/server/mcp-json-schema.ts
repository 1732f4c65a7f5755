import { ToolSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export type ObjectSchema = Tool['inputSchema'];

/**
 * A zod schema as an MCP tool's input or output schema: JSON Schema with
 * `type: 'object'` at the root, checked with the SDK's own schema of a
 * tool's input schema. Draft-07, the dialect the SDK's `McpServer` emits and
 * its client validates with, so every client that handles SDK servers
 * handles these. A schema that JSON Schema cannot express, or that is no
 * object, throws here, at start (`what` names it in the message).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output', what: string): ObjectSchema {
  const checked = ToolSchema.shape.inputSchema.safeParse(z.toJSONSchema(schema, { target: 'draft-7', io }));
  if (!checked.success) throw new Error(`${what}: the ${io} is no JSON Schema of an object: ${z.prettifyError(checked.error)}`);
  return checked.data;
}
