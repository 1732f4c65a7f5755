import type { bodyParser as koaBodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';

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
  let loading: Promise<Middleware> | undefined;
  const parse: Middleware = async (ctx, next) => {
    loading ??= import('@koa/bodyparser').then(
      ({ bodyParser: create }) => create(options) as Middleware,
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    return (await loading)(ctx, next);
  };
  // Not async itself: a GET passes by without a promise of its own.
  return (ctx, next) => (parsed.has(ctx.method) ? parse(ctx, next) : next());
}
