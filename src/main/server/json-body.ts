import type { Context } from 'koa';
import type { z } from 'zod';
import { fieldErrorsFrom } from '../../shared/contract/errors';
import { invalid } from '../admin/errors';

/** A REST body: JSON, parsed by its face's schema (seed 001's shape), or a 400 naming each field. */
export function parseJsonBody<S extends z.ZodType>(schema: S, ctx: Context): z.output<S> {
  if (!ctx.is('application/json')) throw invalid([{ field: '', message: 'send a JSON body (Content-Type: application/json)' }]);
  const parsed = schema.safeParse((ctx.request as { body?: unknown }).body ?? {});
  if (!parsed.success) throw invalid(fieldErrorsFrom(parsed.error));
  return parsed.data;
}
