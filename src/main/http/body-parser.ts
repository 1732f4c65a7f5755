import type { bodyParser as koaBodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { loadedOnFirstUse, onlyFor } from './pass-by';

type Options = NonNullable<Parameters<typeof koaBodyParser>[0]>;

/** The methods @koa/bodyparser parses unless told otherwise. */
const DEFAULT_PARSED_METHODS = ['POST', 'PUT', 'PATCH'];

/**
 * @koa/bodyparser, loaded on the first request that has a body to parse.
 * Importing it loads co-body, qs, iconv-lite's tables and two copies of
 * mime-db, about 20 ms of a start, which a server that has answered no form
 * or JSON post yet does not need (see "Cold start and memory" in the README).
 * A request with another method passes by, as the parser itself lets it.
 */
export function bodyParser(options: Options): Middleware {
  const parsed = new Set((options.parsedMethods ?? DEFAULT_PARSED_METHODS).map((m) => m.toUpperCase()));
  return onlyFor(
    (ctx) => parsed.has(ctx.method),
    loadedOnFirstUse(async () => (await import('@koa/bodyparser')).bodyParser(options) as Middleware),
  );
}
