import { existingDatabase } from './database-commands';
import { decrypt, encrypt } from './secrets/crypto';
import type { MasterKeyStore } from './secrets/master-key';
import type { ProvidedMasterKeyStore } from './secrets/provided-master-key';
import { MASTER_KEY_ENV } from './secrets/provided-master-key';
import { StartupError } from './startup-error';
import { copySqliteToPostgres, rowCounts, TargetNotEmptyError, type CopiedRow } from './store/data-copy';
import { errorText, openStore, type Db } from './store/database';

/** Columns sealed with the master key (AES-256-GCM): re-sealed under the shared key on the way. */
function sealedColumn(table: string, row: CopiedRow): string | undefined {
  if (table === 'signing_keys') return 'private_jwk_enc';
  if (table === 'webhook_endpoints') return 'secret_enc';
  if (table === 'settings' && row.key === 'cookie_keys') return 'value';
  return undefined;
}

/** What the copy re-seals: from the data folder's key to the key the PostgreSQL instances are given. */
function reseal(from: Buffer, to: Buffer): (table: string, row: CopiedRow) => CopiedRow {
  return (table, row) => {
    const column = sealedColumn(table, row);
    if (!column || typeof row[column] !== 'string') return row;
    let plain: string;
    try {
      plain = decrypt(from, row[column] as string);
    } catch {
      throw new StartupError(`cannot decrypt ${table}.${column} with this data folder's master key: the key (keychain or master.key) is not the one this database was written with`);
    }
    return { ...row, [column]: encrypt(to, plain) };
  };
}

export interface CopyDataOptions {
  dataDir: string;
  /** The PostgreSQL URL (`--copy-data-to`); its password never appears in a message. */
  target: string;
  /** Where it is shown: the URL without its password. */
  targetShown: string;
  /** The data folder's own key (keychain or master.key). */
  sourceKey: MasterKeyStore;
  /** The key every PostgreSQL instance will be given. */
  targetKey: ProvidedMasterKeyStore | undefined;
}

/**
 * `serve --copy-data-to postgres://…`: the data folder's SQLite database,
 * every row, into an empty PostgreSQL database (its schema made by the
 * same migrations), the master-key-sealed values re-sealed under the key
 * the instances will share; then the row counts are compared. Run it with
 * the server stopped, so nothing changes in the file meanwhile.
 */
export async function copyDataCommand(options: CopyDataOptions): Promise<string> {
  if (!options.targetKey) {
    throw new StartupError(`the copy needs the master key the PostgreSQL instances will share: set ${MASTER_KEY_ENV} or --master-key-file (make one with: openssl rand -base64 32)`);
  }
  const { file } = await existingDatabase(options.dataDir);
  const started = performance.now();
  const sourceKey = await options.sourceKey.load().catch((err: Error) => {
    throw new StartupError(`cannot load this data folder's master key: ${err.message}`);
  });
  let source: Db | undefined;
  let target: Db | undefined;
  try {
    source = await openStore(file);
    target = await openStore(options.target);
    const report = await copySqliteToPostgres(source, target, { transform: reseal(sourceKey, options.targetKey.key), replaced: ['resource_servers'] });
    const tables = report.tables.map((t) => t.table);
    const [from, to] = [await rowCounts(source, tables), await rowCounts(target, tables)];
    const differ = tables.filter((t) => from.get(t) !== to.get(t));
    if (differ.length > 0) throw new StartupError(`the copy's row counts differ in ${differ.join(', ')}: the source changed during the copy (stop the server first) — the target now holds a partial copy`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return `copied ${report.rows} rows of ${tables.length} tables from ${file} to ${options.targetShown} in ${seconds} s; start every instance with --database ${options.targetShown} and the same master key`;
  } catch (err) {
    if (err instanceof StartupError) throw err;
    if (err instanceof TargetNotEmptyError) throw new StartupError(`cannot copy into ${options.targetShown}: ${err.message}`);
    throw new StartupError(`cannot copy ${file} to ${options.targetShown}: ${errorText(err)}`);
  } finally {
    await source?.destroy().catch(() => undefined);
    await target?.destroy().catch(() => undefined);
  }
}
