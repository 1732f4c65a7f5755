import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AdminResult } from '../../shared/contract/errors';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An admin call's result as an MCP tool result. Success: the output as
 * structured content (it matches the tool's output schema: the dispatcher
 * checked it against the contract) and as JSON text, for clients that read
 * text only. Failure: a tool execution error (`isError: true`), not a
 * JSON-RPC error, as the MCP spec asks, so the model sees what to fix; its
 * text is the error body `/admin/rpc` answers, `{"error":{code,message,fields}}`.
 * Errors carry no structured content: it would have to match the output schema.
 */
export function toolResult(result: AdminResult): CallToolResult {
  if (!result.ok) return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: result.error }) }] };
  const text = JSON.stringify(result.data ?? null);
  return isRecord(result.data) ? { content: [{ type: 'text', text }], structuredContent: result.data } : { content: [{ type: 'text', text }] };
}
