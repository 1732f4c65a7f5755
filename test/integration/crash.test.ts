// SQLite only (vitest.config.ts keeps it out of the PostgreSQL project): kill -9 of servers over their SQLite file, then the file is read back directly.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { sha256Hex } from '../../src/main/secrets/crypto';
import { openStore, type Db } from '../../src/main/store/database';
import { DEMO_REDIRECT } from '../helpers/flows';
import { FormAgent } from '../helpers/form-agent';
import { makeTempDir } from '../helpers/server';
import { freePort, killHard, serveChild, type ServedChild } from '../helpers/serve-child';

const FAMILIES = 8;
const ROUNDS = 3;

type Child = ServedChild;

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) killHard(child);
});

/** `npm run serve` as a child process, auto-approving consent. */
function serve(dataDir: string, port: number): Promise<Child> {
  return serveChild(['--port', String(port), '--data-dir', dataDir, '--consent', 'auto-approve'], children);
}

async function codeFor(server: Child, auth: string): Promise<{ access_token: string; refresh_token: string }> {
  const agent = new FormAgent();
  const url = new URL(`${server.issuer}/oauth/authorize`);
  url.search = new URLSearchParams({ client_id: server.clientId!, response_type: 'code', redirect_uri: DEMO_REDIRECT, scope: 'openid offline_access read:user' }).toString();
  const step = await agent.follow(url.toString(), server.issuer);
  const code = new URL(step.url).searchParams.get('code');
  if (!code) throw new Error(`no code: ${step.url}`);
  return tokenCall(server, auth, { grant_type: 'authorization_code', code, redirect_uri: DEMO_REDIRECT }) as Promise<{ access_token: string; refresh_token: string }>;
}

async function tokenCall(server: Child, auth: string, body: Record<string, string>): Promise<Record<string, string>> {
  const res = await fetch(`${server.issuer}/oauth/token`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  const json = (await res.json()) as Record<string, string>;
  if (res.status !== 200) throw Object.assign(new Error(json.error), { status: res.status, body: json });
  return json;
}

async function count(db: Db, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return Number((await query.execute(db)).rows[0]!.n);
}

describe('kill -9 under load', () => {
  it('never leaves a refresh family without a working token, and loses no answered token or its audit event', { timeout: 120_000 }, async () => {
    const dataDir = await makeTempDir();
    const port = await freePort();
    let server = await serve(dataDir, port);
    const auth = `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64')}`;
    const credentials = { clientId: server.clientId, clientSecret: server.clientSecret };
    const held = await Promise.all(Array.from({ length: FAMILIES }, () => codeFor(server, auth).then((t) => t.refresh_token)));
    const answeredAccessTokens: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      let alive = true;
      const workers = held.map(async (_, family) => {
        while (alive) {
          try {
            const tokens = await tokenCall(server, auth, { grant_type: 'refresh_token', refresh_token: held[family]! });
            held[family] = tokens.refresh_token!;
            answeredAccessTokens.push(tokens.access_token!);
          } catch {
            return; // the connection died with the server: the client keeps what it last received
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 500));
      const exited = new Promise((r) => server.process.once('exit', r));
      killHard(server.process);
      await exited;
      alive = false;
      await Promise.all(workers);

      // Read the file as the restarted server will find it, before any token is presented.
      const db = await openStore(join(dataDir, 'oauth-console.sqlite'));
      try {
        for (const token of held) {
          const row = await db.selectFrom('oidc_models').select(['grant_id', 'consumed_at', 'revoked_at', 'created_at']).where('kind', '=', 'RefreshToken').where('id', '=', sha256Hex(token)).executeTakeFirstOrThrow();
          expect(row.revoked_at).toBeNull();
          if (row.consumed_at !== null) {
            // The refresh in flight committed but its answer was lost: its successor must exist.
            const successor = await db
              .selectFrom('oidc_models')
              .select('id')
              .where('kind', '=', 'RefreshToken')
              .where('grant_id', '=', row.grant_id)
              .where('consumed_at', 'is', null)
              .where('revoked_at', 'is', null)
              .executeTakeFirst();
            expect(successor).toBeDefined();
          }
        }
        const stored = await db
          .selectFrom('oidc_models')
          .select('id')
          .where('kind', '=', 'AccessToken')
          .where('id', 'in', answeredAccessTokens.map((t) => sha256Hex(t)))
          .execute();
        expect(stored).toHaveLength(answeredAccessTokens.length);
        // Every token row has its audit event, and no event describes a token that is not there.
        const accessRows = await count(db, sql<{ n: number }>`select count(*) as n from oidc_models where kind = 'AccessToken'`);
        const issuedEvents = await count(db, sql<{ n: number }>`select count(*) as n from events where type = 'token.issued' and json_extract(detail, '$.kind') = 'AccessToken'`);
        expect(issuedEvents).toBe(accessRows);
        const consumedRows = await count(db, sql<{ n: number }>`select count(*) as n from oidc_models where kind = 'RefreshToken' and consumed_at is not null`);
        const refreshedEvents = await count(db, sql<{ n: number }>`select count(*) as n from events where type = 'token.refreshed'`);
        expect(refreshedEvents).toBe(consumedRows);
        expect(await count(db, sql<{ n: number }>`select count(*) as n from oidc_models where kind = 'RefreshToken' and consumed_at is not null`)).toBeGreaterThan(0);
      } finally {
        await db.destroy();
      }

      server = { ...(await serve(dataDir, port)), ...credentials };
      // A family whose last answer was lost holds a used token: presenting it is reuse, so only
      // families whose held token is unused are refreshed here; each must work.
      const db2 = await openStore(join(dataDir, 'oauth-console.sqlite'));
      const unused = await db2.selectFrom('oidc_models').select('id').where('kind', '=', 'RefreshToken').where('consumed_at', 'is', null).where('id', 'in', held.map((t) => sha256Hex(t))).execute();
      await db2.destroy();
      const unusedIds = new Set(unused.map((r) => r.id));
      for (let family = 0; family < held.length; family++) {
        if (!unusedIds.has(sha256Hex(held[family]!))) {
          held[family] = (await codeFor(server, auth)).refresh_token;
          continue;
        }
        const tokens = await tokenCall(server, auth, { grant_type: 'refresh_token', refresh_token: held[family]! });
        held[family] = tokens.refresh_token!;
        answeredAccessTokens.push(tokens.access_token!);
      }
    }
    process.kill(-server.process.pid!, 'SIGTERM');
  });

  it('loses no client-credentials token answered 200, whose requests commit together (group commit)', { timeout: 120_000 }, async () => {
    const dataDir = await makeTempDir();
    const port = await freePort();
    let server = await serve(dataDir, port);
    const auth = `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64')}`;
    const credentials = { clientId: server.clientId, clientSecret: server.clientSecret };
    const answered: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let alive = true;
      const workers = Array.from({ length: 10 }, async () => {
        while (alive) {
          try {
            answered.push((await tokenCall(server, auth, { grant_type: 'client_credentials', scope: 'read:user' })).access_token!);
          } catch {
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 500));
      const exited = new Promise((r) => server.process.once('exit', r));
      killHard(server.process);
      await exited;
      alive = false;
      await Promise.all(workers);
      server = { ...(await serve(dataDir, port)), ...credentials };
      // Every token answered is active after the restart, and has its audit event.
      const inactive: string[] = [];
      for (const token of answered) {
        const res = await fetch(`${server.issuer}/oauth/introspect`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
        if (((await res.json()) as { active: boolean }).active !== true) inactive.push(token);
      }
      expect(inactive).toEqual([]);
      const db = await openStore(join(dataDir, 'oauth-console.sqlite'));
      try {
        const rows = await count(db, sql<{ n: number }>`select count(*) as n from oidc_models where kind = 'ClientCredentials'`);
        const events = await count(db, sql<{ n: number }>`select count(*) as n from events where type = 'token.issued' and json_extract(detail, '$.kind') = 'ClientCredentials'`);
        expect(events).toBe(rows);
        expect(rows).toBeGreaterThanOrEqual(answered.length);
      } finally {
        await db.destroy();
      }
    }
    expect(answered.length).toBeGreaterThan(0);
    process.kill(-server.process.pid!, 'SIGTERM');
  });
});
