import type { IncomingMessage } from 'node:http';
import { bodyParser } from '../http/body-parser';
import Koa, { type Context } from 'koa';
import { toChangeEvent, type ChangeEvent } from '../../shared/contract/activity';
import type { AdminErrorBody } from '../../shared/contract/errors';
import { ADMIN_CHANGES_PATH, ADMIN_MCP_PATH, ADMIN_RPC_PATH } from '../../shared/contract/http-transport';
import { adminContract, PROCEDURE_NAMES } from '../../shared/contract/procedures';
import { lazyRoute } from './lazy-route';
import { isLoopbackAddress } from '../http/host-policy';
import { foreignOrigin } from '../http/origin-policy';
import { BearerError, problemOf, problemOfBody, rpcBody, setProblemHead, type Problem } from '../http/errors';
import { tooManyRequests } from '../http/rate-limits';
import { securityHeaders } from '../http/security-headers';
import type { RunningServer } from './server';
import { latestEventId } from '../store/events-store';
import { eventsAfter } from '../admin/activity';
import { adminTokenMatches } from '../admin/admin-token';
import { subscribeChanges } from '../admin/changes';
import { RecentIds } from '../admin/recent-ids';
import type { AdminDispatch } from '../admin/dispatch';

export interface AdminHttpOptions {
  server: RunningServer;
  /** The server's one admin dispatcher (the management API and the admin MCP tools call it too). */
  dispatch: AdminDispatch;
  log?: (line: string) => void;
  /** Interval of SSE keep-alive comments, ms. */
  heartbeatMs?: number;
}

/** Largest admin call input, bytes. */
const ADMIN_BODY_LIMIT = 1024 * 1024;

/** Most events sent when a follower resumes from an old id; it reloads its lists beyond that. */
const BACKLOG_LIMIT = 1000;

export { isLoopbackAddress };

const ADMIN_REALM = 'oauth-console-admin';

/** Answers with the one mapper's problem, in the RPC face. */
function answer(ctx: Context, problem: Problem): void {
  setProblemHead(ctx, problem);
  ctx.body = rpcBody(problem);
}

/** A refusal of the transport itself (a contract error body). */
function fail(ctx: Context, error: AdminErrorBody): void {
  answer(ctx, problemOfBody(error));
}

/**
 * The admin service over HTTP, for the headless web console and scripts:
 * `POST /admin/rpc/<procedure>` with a JSON input, `GET /admin/changes` for
 * live changes (server-sent events), `GET /admin/procedures` for the list,
 * `POST /admin/mcp` for the same procedures as MCP tools (admin-mcp.ts).
 * Loopback peers only; the Host rule in front of every route pins the
 * issuer's host (DNS rebinding), and any Origin must be the issuer's; the
 * admin token travels in `Authorization: Bearer` and is compared in
 * constant time, and wrong tokens are rate-limited per address; no cookies
 * are read or set, and no CORS headers are sent, so other sites can neither
 * call nor read it.
 */
export function createAdminHttpApp(options: AdminHttpOptions): Koa {
  const { server } = options;
  const log = options.log ?? (() => undefined);
  const { dispatch } = options;
  const issuerOrigin = new URL(server.issuer).origin;
  const app = new Koa();
  app.silent = true;

  app.use(securityHeaders());
  app.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    const peer = ctx.req.socket.remoteAddress;
    if (!isLoopbackAddress(peer)) return fail(ctx, { code: 'forbidden', message: 'The admin service answers loopback clients only' });
    const foreign = foreignOrigin(issuerOrigin, { origin: ctx.get('origin'), secFetchSite: ctx.get('sec-fetch-site') });
    if (foreign) return fail(ctx, { code: 'forbidden', message: `Cross-${foreign} calls to the admin service are refused` });
    const spent = await server.rateLimits.spent('adminFailures', peer!, true);
    if (spent) {
      ctx.set(tooManyRequests(spent).headers);
      return answer(ctx, problemOfBody({ code: 'unavailable', message: `Too many wrong admin tokens; retry after ${spent.retryAfter} s` }, 429));
    }
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!adminTokenMatches(match?.[1], server.adminToken)) {
      await server.rateLimits.fail('adminFailures', peer!, true);
      return answer(ctx, problemOf(new BearerError(401, undefined, 'The admin token is missing or wrong (Authorization: Bearer <token>, printed at start)'), { report: log, realm: ADMIN_REALM }));
    }
    try {
      await next();
    } catch (err) {
      const status = (err as { status?: number }).status;
      // The body parser's 400 and 415 say the body is not JSON; everything else goes through the one mapper.
      if (status === 400 || status === 415) return fail(ctx, { code: 'invalid_input', message: 'The body is not valid JSON', fields: [{ field: '', message: 'not valid JSON' }] });
      answer(ctx, problemOf(err, { report: (message) => log(`admin http: ${message}`), bodyLimit: ADMIN_BODY_LIMIT }));
    }
  });

  app.use(lazyRoute(ADMIN_MCP_PATH, async () => (await import('./admin-mcp')).adminMcpRoute({ dispatch, bodyLimit: ADMIN_BODY_LIMIT })));
  app.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || !ctx.path.startsWith(ADMIN_RPC_PATH)) return next();
    if (!ctx.is('application/json')) return fail(ctx, { code: 'invalid_input', message: 'Send the input as application/json' });
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: ADMIN_BODY_LIMIT, encoding: 'utf-8' }));

  app.use(async (ctx) => {
    if (ctx.path.startsWith(ADMIN_RPC_PATH)) {
      if (ctx.method !== 'POST') {
        ctx.set('Allow', 'POST');
        return fail(ctx, { code: 'invalid_input', message: 'Call procedures with POST' });
      }
      let procedure: string;
      try {
        procedure = decodeURIComponent(ctx.path.slice(ADMIN_RPC_PATH.length));
      } catch {
        procedure = '';
      }
      const result = await dispatch(procedure, (ctx.request as { body?: unknown }).body);
      if (!result.ok) return fail(ctx, result.error);
      ctx.status = 200;
      ctx.body = result.data ?? null;
      return;
    }
    if (ctx.path === ADMIN_CHANGES_PATH && ctx.method === 'GET') return streamChanges(ctx, server, options.heartbeatMs ?? 15_000);
    if (ctx.path === '/admin/procedures' && ctx.method === 'GET') {
      ctx.body = { items: PROCEDURE_NAMES.map((name) => ({ name, kind: adminContract[name].kind, summary: adminContract[name].summary })) };
      return;
    }
    fail(ctx, { code: 'unknown_procedure', message: 'No admin route here: POST /admin/rpc/<procedure>, GET /admin/changes, GET /admin/procedures' });
  });
  return app;
}

function afterIdOf(ctx: Context): number | undefined | 'bad' {
  const raw = (ctx.query.afterId as string | undefined) ?? (ctx.get('last-event-id') || undefined);
  if (raw === undefined) return undefined;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : 'bad';
}

/**
 * Server-sent events: one `change` per activity event, this instance's and
 * the other instances' (relayed). With `afterId` (or `Last-Event-ID` on
 * reconnect) the missed events come first; the listener is attached before
 * the backlog is read, and ids de-duplicate the overlap. Relayed events can
 * come after a newer local one, so a stream skips the ids it sent, not the
 * ids below the last.
 */
async function streamChanges(ctx: Context, server: RunningServer, heartbeatMs: number): Promise<void> {
  const afterId = afterIdOf(ctx);
  if (afterId === 'bad') return fail(ctx, { code: 'invalid_input', message: 'afterId must be an event id', fields: [{ field: 'afterId', message: 'must be a non-negative integer' }] });
  const req: IncomingMessage = ctx.req;
  const res = ctx.res;
  ctx.respond = false;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write('retry: 2000\n\n');
  // Nothing at or below the floor is sent: the backlog's start, or the newest event when the stream opened.
  let floor = afterId ?? Number.MAX_SAFE_INTEGER;
  const sent = new RecentIds();
  let ready = false;
  const queued: ChangeEvent[] = [];
  const send = (change: ChangeEvent) => {
    if (change.id <= floor || !sent.add(change.id) || res.writableEnded) return;
    res.write(`id: ${change.id}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`);
  };
  const unsubscribe = subscribeChanges(server.activity, (change) => (ready ? send(change) : queued.push(change)));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', stop);
  res.on('close', stop);
  try {
    if (afterId === undefined) floor = await latestEventId(server.db);
    else for (const event of await eventsAfter(server.db, afterId, BACKLOG_LIMIT)) send(toChangeEvent(event));
  } catch {
    stop();
    res.end();
    return;
  }
  ready = true;
  for (const change of queued.splice(0)) send(change);
}
