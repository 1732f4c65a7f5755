import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../src/main/store/database';
import { InvalidCursorError, listTokens, tokenStatus, TOKEN_KIND_MODELS, type TokenFilters, type TokenKindName } from '../../src/main/store/tokens-store';
import { sha256Hex } from '../../src/main/secrets/crypto';
import { makeTempDir } from '../helpers/server';

const NOW = 1_750_000_000_000;
const MODELS = [...Object.values(TOKEN_KIND_MODELS), 'Grant', 'Session'];

describe('listTokens: keyset paging over oidc_models', () => {
  let dir: string;
  let db: Db;
  const rows: Array<{ kind: string; id: string; client_id: string; account_id: string | null; workspace_id: string; grant_id: string; created_at: number; expires_at: number | null; consumed_at: number | null; revoked_at: number | null }> = [];

  beforeAll(async () => {
    dir = await makeTempDir();
    db = await openStore(join(dir, 'tokens.sqlite'));
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 1500; i++) {
      const kind = MODELS[Math.floor(rand() * MODELS.length)]!;
      // Few distinct timestamps, so the (created_at, id) tie-break is exercised.
      const created = NOW - Math.floor(rand() * 40) * 60_000;
      const expiresRoll = rand();
      rows.push({
        kind,
        id: sha256Hex(`t${i}`),
        client_id: `oc_app_${Math.floor(rand() * 3)}`,
        account_id: rand() < 0.2 ? null : `usr_${Math.floor(rand() * 4)}`,
        workspace_id: `ws_${Math.floor(rand() * 2)}`,
        grant_id: sha256Hex(`g${Math.floor(i / 7)}`),
        created_at: created,
        expires_at: expiresRoll < 0.05 ? null : created + Math.floor(expiresRoll * 60) * 60_000,
        consumed_at: rand() < 0.2 ? created + 1 : null,
        revoked_at: rand() < 0.1 ? created + 2 : null,
      });
    }
    for (let i = 0; i < rows.length; i += 200) {
      await db
        .insertInto('oidc_models')
        .values(rows.slice(i, i + 200).map((r) => ({ ...r, payload: '{}', actor: 'self', scope: 'openid read:user', uid: null, user_code: null, last_used_at: null })))
        .execute();
    }
  });
  afterAll(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const expected = (filters: TokenFilters) => {
    const kinds: string[] = filters.kind ? [TOKEN_KIND_MODELS[filters.kind]] : Object.values(TOKEN_KIND_MODELS);
    return rows
      .filter((r) => kinds.includes(r.kind))
      .filter((r) => !filters.appId || r.client_id === filters.appId)
      .filter((r) => !filters.userId || r.account_id === filters.userId)
      .filter((r) => !filters.workspaceId || r.workspace_id === filters.workspaceId)
      .filter((r) => !filters.grantId || r.grant_id === filters.grantId)
      .filter((r) => !filters.status || tokenStatus(r, NOW) === filters.status)
      .sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);
  };

  const walk = async (filters: TokenFilters, limit: number) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 500; pages++) {
      const page = await listTokens(db, { ...filters, limit, ...(cursor ? { cursor } : {}) }, NOW);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((t) => t.id));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('paging did not end');
  };

  const cases: TokenFilters[] = [
    {},
    { kind: 'access' },
    { kind: 'code', status: 'consumed' },
    { status: 'active' },
    { status: 'expired' },
    { status: 'revoked' },
    { status: 'consumed' },
    { appId: 'oc_app_1' },
    { appId: 'oc_app_2', status: 'active', kind: 'refresh' },
    { userId: 'usr_3', status: 'expired' },
    { workspaceId: 'ws_1', kind: 'client_credentials' },
    { grantId: sha256Hex('g12') },
  ];

  it.each(cases)('pages through exactly the matching rows, newest first: %o', async (filters) => {
    expect(await walk(filters, 37)).toEqual(expected(filters));
  });

  it('reports kind and status of each row in the console vocabulary', async () => {
    const page = await listTokens(db, { limit: 200 }, NOW);
    for (const item of page.items) {
      const row = rows.find((r) => r.id === item.id)!;
      expect(TOKEN_KIND_MODELS[item.kind as TokenKindName]).toBe(row.kind);
      expect(item.status).toBe(tokenStatus(row, NOW));
      expect(item.scopes).toEqual(['openid', 'read:user']);
    }
  });

  it('refuses a forged cursor', async () => {
    await expect(listTokens(db, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
