import { randomBytes } from 'node:crypto';
import type { CustomScope, TokenFormat } from '../../shared/contract/resources';
import type { Db } from './database';
import type { ResourceServerTable } from './schema';
import { containsText } from './text-search';

/**
 * Resource servers (RFC 8707): the APIs tokens are issued for. The built-in
 * ones (the sample REST API, the sample MCP server) are stored as a path on
 * the issuer and resolved against the issuer of this run on every read, so
 * they follow `--port 0` and `--public-url` without a rewrite (see
 * migration 0005); everything here takes the issuer for that.
 */
export interface ResourceServerRecord {
  id: string;
  /** The `resource` value, resolved: absolute for every row. */
  identifier: string;
  builtIn: boolean;
  name: string;
  scopes: string[];
  customScopes: CustomScope[];
  tokenFormat: TokenFormat;
  accessTokenTtl: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewResourceServer {
  identifier: string;
  name: string;
  scopes: string[];
  customScopes: CustomScope[];
  tokenFormat: TokenFormat;
  accessTokenTtl: number | null;
}

function toRecord(row: ResourceServerTable, issuer: string): ResourceServerRecord {
  return {
    id: row.id,
    identifier: row.issuer_relative === 1 ? `${issuer}${row.identifier}` : row.identifier,
    builtIn: row.issuer_relative === 1,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    customScopes: JSON.parse(row.custom_scopes) as CustomScope[],
    tokenFormat: row.token_format,
    accessTokenTtl: row.access_token_ttl,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Built-in ones first, then in the order they were made; `search` matches name or stored identifier. */
export async function listResourceServers(db: Db, issuer: string, search?: string): Promise<ResourceServerRecord[]> {
  let query = db.selectFrom('resource_servers').selectAll();
  if (search) query = query.where((eb) => containsText([eb.ref('name'), eb.ref('identifier')], search));
  const rows = await query.orderBy('issuer_relative', 'desc').orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => toRecord(row, issuer));
}

export async function findResourceServer(db: Db, issuer: string, id: string): Promise<ResourceServerRecord | undefined> {
  const row = await db.selectFrom('resource_servers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row, issuer) : undefined;
}

/**
 * The resource server a `resource` value names, compared exactly: a built-in
 * one when the value is the issuer followed by its path, else a row whose
 * stored identifier is the value.
 */
export async function findResourceServerByIdentifier(db: Db, issuer: string, identifier: string): Promise<ResourceServerRecord | undefined> {
  const path = identifier.startsWith(`${issuer}/`) ? identifier.slice(issuer.length) : undefined;
  const rows = await db
    .selectFrom('resource_servers')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('issuer_relative', '=', 0), eb('identifier', '=', identifier)]),
        ...(path ? [eb.and([eb('issuer_relative', '=', 1), eb('identifier', '=', path)])] : []),
      ]),
    )
    .orderBy('issuer_relative', 'desc')
    .limit(1)
    .execute();
  return rows[0] ? toRecord(rows[0], issuer) : undefined;
}

export function newResourceServerId(): string {
  return `rs_${randomBytes(9).toString('base64url')}`;
}

export async function insertResourceServer(db: Db, issuer: string, input: NewResourceServer): Promise<ResourceServerRecord> {
  const now = Date.now();
  const id = newResourceServerId();
  await db
    .insertInto('resource_servers')
    .values({
      id,
      identifier: input.identifier,
      issuer_relative: 0,
      name: input.name,
      scopes: JSON.stringify(input.scopes),
      custom_scopes: JSON.stringify(input.customScopes),
      token_format: input.tokenFormat,
      access_token_ttl: input.accessTokenTtl,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return (await findResourceServer(db, issuer, id))!;
}

/** Writes the editable fields; a built-in row keeps its stored (issuer-relative) identifier. */
export async function updateResourceServerRow(db: Db, next: ResourceServerRecord): Promise<void> {
  await db
    .updateTable('resource_servers')
    .set({
      ...(next.builtIn ? {} : { identifier: next.identifier }),
      name: next.name,
      scopes: JSON.stringify(next.scopes),
      custom_scopes: JSON.stringify(next.customScopes),
      token_format: next.tokenFormat,
      access_token_ttl: next.accessTokenTtl,
      updated_at: Date.now(),
    })
    .where('id', '=', next.id)
    .execute();
}

export async function deleteResourceServerRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('resource_servers').where('id', '=', id).execute();
}
