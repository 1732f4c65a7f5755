import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, McpError, type ServerResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { describeFieldErrors, fieldErrorsFrom } from '../../shared/contract/errors';

type RequestSchema = z.ZodObject<{ method: z.ZodLiteral<string> }>;

/**
 * `server.setRequestHandler(schema, handler)`, except that a request whose
 * params do not fit the schema gets JSON-RPC `Invalid params` (-32602)
 * naming the bad fields. The SDK parses with the schema before the handler
 * runs and answers a mismatch with `Internal error` (-32603), which tells
 * a client its own mistake is the server's fault; so the SDK gets a schema
 * that checks the method only, and the real one runs here.
 */
export function setCheckedRequestHandler<S extends RequestSchema>(server: Server, schema: S, handler: (request: z.output<S>) => ServerResult | Promise<ServerResult>): void {
  const methodOnly = z.looseObject({ method: schema.shape.method });
  server.setRequestHandler(methodOnly, (request) => {
    const parsed = schema.safeParse(request);
    if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `Invalid params: ${describeFieldErrors(fieldErrorsFrom(parsed.error))}`);
    return handler(parsed.data);
  });
}
