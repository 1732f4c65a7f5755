import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { CONSENT_POLICIES, type ConsentPolicy } from '../shared/settings';
import { defaultDataDir } from './paths';
import { KEYCHAIN_MODES, type KeychainMode } from './secrets/master-key-selection';
import { parsePublicUrl } from './http/host-policy';
import { StartupError } from './startup-error';
import { DEFAULT_POOL_SIZE, MAX_POOL_SIZE, parseDatabaseUrl, parsePoolSize } from './store/database-url';

export const USAGE = `Usage: npm run serve -- [options]   (installed package: npx oauth-console serve [options])

Starts the OAuth Console authorization server without the desktop window.

Options:
  --port N          port to listen on (default 9090; 0 picks a free port)
  --host HOST       address to listen on (default 127.0.0.1)
  --data-dir DIR    where the database and keys live
                    (default: $OAUTH_CONSOLE_DATA_DIR, else the platform's app-data folder)
  --consent POLICY  global consent policy: prompt, auto-approve or auto-deny
  --keychain MODE   where the master key lives: auto (the OS keychain when one is
                    reachable, else a 0600 file in the data folder; the default),
                    on (keychain or fail) or off (file only)
                    (default: $OAUTH_CONSOLE_KEYCHAIN, else auto)
  --master-key-file FILE
                    read the master key (32 bytes, base64) from FILE instead of the
                    keychain or master.key: the same key on every instance that
                    shares one database (also: $OAUTH_CONSOLE_MASTER_KEY)
  --public-url URL  the URL clients use when the server sits behind a reverse proxy
                    or in a container: it becomes the issuer and its host the only
                    one accepted (default: $OAUTH_CONSOLE_PUBLIC_URL; https, or
                    http for a loopback host)
  --allow-http-public-url
                    accept a plain-http --public-url for a host that is not loopback
  --no-rate-limit   turn the rate limits off for this run
  --no-caches       turn the store's in-memory caches off for this run (every
                    token, app, user, workspace and role lookup asks the database)
  --seed FILE       apply a configuration file (YAML or JSON) on every start,
                    before the first request; idempotent, all or nothing
                    (default: <data-dir>/seed.yaml, .yml or .json if present)
  --database URL    keep the state in a PostgreSQL database instead of the SQLite
                    file of the data folder (shared staging; several instances may
                    point at one database): postgres://user:password@host:5432/db
                    (default: $OAUTH_CONSOLE_DATABASE_URL, else SQLite)
  --database-pool N most pooled PostgreSQL connections (1-${MAX_POOL_SIZE}; default
                    $OAUTH_CONSOLE_DATABASE_POOL, else ${DEFAULT_POOL_SIZE})
  --check-database  run SQLite's full integrity check on the data folder's
                    database, print one verdict line and exit (0: sound, 1: not);
                    the server does not start
  --copy-data-to URL
                    copy every row of the data folder's database into an empty
                    PostgreSQL database (postgres://user@host:5432/db), re-sealing
                    the keys under the master key given with $OAUTH_CONSOLE_MASTER_KEY
                    or --master-key-file, and exit; stop the server first
  --backup FILE     write a consistent copy of the database to FILE (SQLite's
                    online backup; safe while the server runs) and exit
  -h, --help        show this help`;

export interface CliOptions {
  port: number;
  host: string;
  dataDir: string;
  consentPolicy?: ConsentPolicy;
  /** Unset means `auto`. */
  keychain?: KeychainMode;
  publicUrl?: string;
  allowHttpPublicUrl?: boolean;
  /** `false` with `--no-rate-limit`. */
  rateLimits?: boolean;
  /** `false` with `--no-caches`. */
  caches?: boolean;
  /** `--master-key-file`, resolved; the key itself is read at start (see provided-master-key.ts). */
  masterKeyFile?: string;
  /** A configuration file to apply at start (`--seed FILE`). */
  seedFile?: string;
  /** What to do instead of serving: check the database, or back it up to `backupFile`. */
  action?: 'check-database' | 'backup' | 'copy-data';
  backupFile?: string;
  /** The PostgreSQL URL of `--copy-data-to`. */
  copyTarget?: string;
  /** A PostgreSQL URL (`--database`); unset: the SQLite file in the data folder. */
  database?: string;
  databasePool?: number;
}

/** Parses and validates the flags; throws a one-line message on bad input. */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        consent: { type: 'string' },
        keychain: { type: 'string' },
        'public-url': { type: 'string' },
        'allow-http-public-url': { type: 'boolean' },
        'no-rate-limit': { type: 'boolean' },
        'no-caches': { type: 'boolean' },
        'check-database': { type: 'boolean' },
        backup: { type: 'string' },
        seed: { type: 'string' },
        'master-key-file': { type: 'string' },
        'copy-data-to': { type: 'string' },
        database: { type: 'string' },
        'database-pool': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new StartupError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return 'help';
  const portText = values.port ?? env.OAUTH_CONSOLE_PORT ?? '9090';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new StartupError(`--port must be a number from 0 to 65535, not "${portText}"`);
  const host = values.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new StartupError(`--host must be an address such as 127.0.0.1, not "${host}"`);
  const consent = values.consent;
  if (consent !== undefined && !(CONSENT_POLICIES as readonly string[]).includes(consent)) {
    throw new StartupError(`--consent must be one of ${CONSENT_POLICIES.join(', ')}, not "${consent}"`);
  }
  const keychain = values.keychain ?? env.OAUTH_CONSOLE_KEYCHAIN;
  if (keychain !== undefined && !(KEYCHAIN_MODES as readonly string[]).includes(keychain)) {
    throw new StartupError(`--keychain must be one of ${KEYCHAIN_MODES.join(', ')}, not "${keychain}"`);
  }
  const publicUrl = values['public-url'] ?? (env.OAUTH_CONSOLE_PUBLIC_URL || undefined);
  const allowHttpPublicUrl = values['allow-http-public-url'] === true;
  if (publicUrl !== undefined) {
    try {
      parsePublicUrl(publicUrl, allowHttpPublicUrl);
    } catch (err) {
      throw new StartupError((err as Error).message);
    }
  }
  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '') throw new StartupError('--data-dir must not be empty');
  const backup = values.backup;
  if (backup !== undefined && backup.trim() === '') throw new StartupError('--backup must name the file to write');
  const seed = values.seed;
  if (seed !== undefined && seed.trim() === '') throw new StartupError('--seed must name the configuration file to apply');
  const masterKeyFile = values['master-key-file'];
  if (masterKeyFile !== undefined && masterKeyFile.trim() === '') throw new StartupError('--master-key-file must name the file that holds the master key');
  // For --copy-data-to, --keychain finds the data folder's own key and the given key is the target's.
  if ((masterKeyFile !== undefined || env.OAUTH_CONSOLE_MASTER_KEY) && values.keychain !== undefined && values['copy-data-to'] === undefined) {
    throw new StartupError('--keychain chooses where a master key the server makes is kept; with a master key given (OAUTH_CONSOLE_MASTER_KEY or --master-key-file) leave it out');
  }
  const copyTarget = values['copy-data-to'];
  if (copyTarget !== undefined && !/^postgres(ql)?:\/\/[^/\s]+\/[^/\s]+$/i.test(copyTarget.trim())) {
    throw new StartupError('--copy-data-to must be a PostgreSQL URL such as postgres://user@host:5432/database');
  }
  if (copyTarget !== undefined && (backup !== undefined || values['check-database'])) throw new StartupError('--copy-data-to, --check-database and --backup are separate commands: give one');
  if (backup !== undefined && values['check-database']) throw new StartupError('--check-database and --backup are separate commands: give one');
  const { database, databasePool } = databaseOptions(values.database, values['database-pool'], env);
  if (database !== undefined && copyTarget !== undefined) throw new StartupError('--copy-data-to copies the data folder\'s SQLite database into the PostgreSQL database it names: leave --database (and OAUTH_CONSOLE_DATABASE_URL) out');
  if (database !== undefined && (backup !== undefined || values['check-database'])) {
    throw new StartupError(`${backup !== undefined ? '--backup' : '--check-database'} works on the SQLite file of the data folder; a PostgreSQL database is checked and backed up with its own tools (pg_dump)`);
  }
  return {
    port: Number(portText),
    host,
    dataDir: resolve(dataDir ?? defaultDataDir(env)),
    ...(consent ? { consentPolicy: consent as ConsentPolicy } : {}),
    ...(keychain ? { keychain: keychain as KeychainMode } : {}),
    ...(publicUrl !== undefined ? { publicUrl, allowHttpPublicUrl } : {}),
    ...(values['no-rate-limit'] ? { rateLimits: false } : {}),
    ...(values['no-caches'] ? { caches: false } : {}),
    ...(database !== undefined ? { database } : {}),
    ...(databasePool !== undefined ? { databasePool } : {}),
    // Relative to the user's own folder, as --backup.
    ...(seed !== undefined ? { seedFile: resolve(env.INIT_CWD ?? process.cwd(), seed) } : {}),
    ...(masterKeyFile !== undefined ? { masterKeyFile: resolve(env.INIT_CWD ?? process.cwd(), masterKeyFile) } : {}),
    ...(values['check-database'] ? { action: 'check-database' as const } : {}),
    ...(copyTarget !== undefined ? { action: 'copy-data' as const, copyTarget: copyTarget.trim() } : {}),
    // `npm run serve` runs in the project folder; a relative FILE means the user's own folder.
    ...(backup !== undefined ? { action: 'backup' as const, backupFile: resolve(env.INIT_CWD ?? process.cwd(), backup) } : {}),
  };
}

/** `--database` / `OAUTH_CONSOLE_DATABASE_URL` and `--database-pool` / `OAUTH_CONSOLE_DATABASE_POOL`, checked. */
function databaseOptions(flag: string | undefined, poolFlag: string | undefined, env: NodeJS.ProcessEnv): { database?: string; databasePool?: number } {
  const fromFlag = flag !== undefined;
  const url = flag ?? (env.OAUTH_CONSOLE_DATABASE_URL || undefined);
  const name = fromFlag ? '--database' : 'OAUTH_CONSOLE_DATABASE_URL';
  if (url !== undefined) {
    try {
      parseDatabaseUrl(url);
    } catch (err) {
      throw new StartupError(`${name} ${(err as Error).message}`);
    }
  }
  const poolText = poolFlag ?? (env.OAUTH_CONSOLE_DATABASE_POOL || undefined);
  let pool: number | undefined;
  if (poolText !== undefined) {
    try {
      pool = parsePoolSize(poolText);
    } catch (err) {
      throw new StartupError(`${poolFlag !== undefined ? '--database-pool' : 'OAUTH_CONSOLE_DATABASE_POOL'} ${(err as Error).message}`);
    }
    if (url === undefined) throw new StartupError('--database-pool sizes the PostgreSQL pool: give --database (or OAUTH_CONSOLE_DATABASE_URL) too');
  }
  return { ...(url !== undefined ? { database: url.trim() } : {}), ...(pool !== undefined ? { databasePool: pool } : {}) };
}
