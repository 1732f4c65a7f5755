import { Router } from '@koa/router';
import type { Context } from 'koa';
import { inboxExists, recordInboxRequest } from '../store/webhook-inbox-store';
import { INBOX_PATH } from '../webhooks/start-webhooks';
import type { RouteContext } from './route-context';

/** Bytes of a body the catcher keeps; the rest is counted, not stored. */
export const INBOX_BODY_BYTES = 64 * 1024;
/** Bytes the catcher reads at most before it answers 413. */
const INBOX_READ_LIMIT = 1024 * 1024;
/** Requests kept per inbox (the newest). */
export const INBOX_KEEP = 50;
/** Headers never stored: credentials a misdirected client might send. */
const DROPPED_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

async function readBody(ctx: Context): Promise<{ body: Buffer; size: number } | undefined> {
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    if (size < INBOX_BODY_BYTES) kept.push(chunk.subarray(0, INBOX_BODY_BYTES - size));
    size += chunk.length;
    if (size > INBOX_READ_LIMIT) return undefined;
  }
  return { body: Buffer.concat(kept), size };
}

/**
 * The built-in webhook catcher, `POST /webhooks/inbox/<id>`: records what it
 * receives (headers, the body's first 64 KB, the newest 50 requests) so a
 * developer sees deliveries in the console without writing a receiver. The
 * inbox id is random and is the only key (like a capability URL).
 */
export function createWebhookCatcher(deps: Pick<RouteContext, 'db'>): Router {
  const router = new Router();
  router.post(`${INBOX_PATH}:id`, async (ctx) => {
    if (!(await inboxExists(deps.db, ctx.params.id!))) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: 'No webhook inbox has this id' };
      return;
    }
    const read = await readBody(ctx);
    if (!read) {
      ctx.status = 413;
      ctx.body = { error: 'invalid_request', error_description: `request body too large (limit ${INBOX_READ_LIMIT / 1024} KB)` };
      return;
    }
    const headers = Object.fromEntries(Object.entries(ctx.headers).flatMap(([name, value]) => (DROPPED_HEADERS.has(name) || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
    await recordInboxRequest(deps.db, ctx.params.id!, { headers, body: read.body.toString('utf8'), size: read.size, truncated: read.size > INBOX_BODY_BYTES }, INBOX_KEEP);
    ctx.body = { received: true };
  });
  return router;
}
