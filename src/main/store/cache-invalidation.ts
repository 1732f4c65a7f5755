import {
  DeleteQueryNode,
  InsertQueryNode,
  TableNode,
  UpdateQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { CacheKind, StoreCaches } from './caches';

/** What a write to each table can change of the cached facts (see caches.ts). */
const KINDS_OF_TABLE: Record<string, CacheKind[]> = {
  oidc_models: ['token'],
  apps: ['app'],
  app_redirect_uris: ['app'],
  users: ['user'],
  workspaces: ['workspace'],
  memberships: ['membership'],
};

/** Deleting a row of these cascades (foreign keys) into rows of other kinds: everything is forgotten. */
const CASCADING_DELETES = new Set(['apps', 'users', 'workspaces']);

/** Columns whose update changes nothing a cache holds. */
const UNCACHED_COLUMNS = new Set(['last_used_at', 'minted']);

function tableName(node: OperationNode | undefined): string | undefined {
  return node && TableNode.is(node) ? node.table.identifier.name : undefined;
}

function columnName(node: OperationNode): string | undefined {
  const column = (node as { column?: { column?: { name?: string } } }).column;
  return column?.column?.name;
}

/**
 * Sees every write built with the query builder and tells the caches which
 * facts it may change: once when the statement is built (so the writer's
 * own later reads ask the store), once when it has run, and, through
 * `StoreCaches.changed`, again when its unit of work ends. Written-out
 * statements (`CompiledQuery.raw`) pass by it: their callers say what they
 * change.
 */
export class CacheInvalidationPlugin implements KyselyPlugin {
  readonly #caches: StoreCaches;
  readonly #pending = new WeakMap<object, () => void>();

  constructor(caches: StoreCaches) {
    this.#caches = caches;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const forget = this.#changeOf(args.node);
    if (forget) {
      forget();
      this.#pending.set(args.queryId, forget);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const forget = this.#pending.get(args.queryId);
    if (forget) {
      this.#pending.delete(args.queryId);
      forget();
    }
    return args.result;
  }

  #changeOf(node: RootOperationNode): (() => void) | undefined {
    let table: string | undefined;
    let cascades = false;
    if (InsertQueryNode.is(node)) table = tableName(node.into);
    else if (UpdateQueryNode.is(node)) {
      table = tableName(node.table);
      const columns = (node.updates ?? []).map((update) => columnName(update));
      if (columns.length > 0 && columns.every((c) => c !== undefined && UNCACHED_COLUMNS.has(c))) return undefined;
    } else if (DeleteQueryNode.is(node)) {
      const froms = node.from.froms;
      table = froms.length === 1 ? tableName(froms[0]) : undefined;
      cascades = table !== undefined && CASCADING_DELETES.has(table);
    } else return undefined;
    // A table it cannot name (an alias, a join) might be any: forget everything.
    if (cascades || table === undefined) return () => this.#caches.changed('all');
    const kinds = KINDS_OF_TABLE[table];
    if (!kinds) return undefined;
    return () => {
      for (const kind of kinds) this.#caches.changed(kind);
    };
  }
}
