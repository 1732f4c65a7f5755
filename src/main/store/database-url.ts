/** A PostgreSQL server to keep the store in (`--database`), checked before anything connects. */
export interface DatabaseUrl {
  /** The URL as given, for the driver (it may carry a password). */
  url: string;
  /** The URL without its password: what messages and the console show. */
  display: string;
}

export const DEFAULT_POOL_SIZE = 10;
export const MAX_POOL_SIZE = 200;

/** True when the store target names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** The URL with its password replaced by `***` (also for a URL that does not parse). */
export function redactDatabaseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return text.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/**
 * Checks a `postgres://user:password@host:5432/database` URL; throws one
 * line saying what is wrong (the password never appears in it).
 */
export function parseDatabaseUrl(text: string): DatabaseUrl {
  const shown = redactDatabaseUrl(text.trim());
  const expected = 'a PostgreSQL URL such as postgres://user:password@host:5432/database';
  if (!isPostgresUrl(text.trim())) throw new Error(`must be ${expected}, not "${shown}"`);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`must be ${expected}; "${shown}" is not a valid URL`);
  }
  if (!url.hostname) throw new Error(`must name the server's host (${expected}), not "${shown}"`);
  if (url.port !== '' && !(Number(url.port) >= 1 && Number(url.port) <= 65_535)) throw new Error(`has a bad port in "${shown}"`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new Error(`must name one database after the host (${expected}), not "${shown}"`);
  return { url: text.trim(), display: redactDatabaseUrl(text.trim()) };
}

/** The pool size (`--database-pool`): a whole number from 1 to {@link MAX_POOL_SIZE}; throws one line otherwise. */
export function parsePoolSize(text: string): number {
  if (!/^\d{1,4}$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_POOL_SIZE) {
    throw new Error(`must be a whole number from 1 to ${MAX_POOL_SIZE}, not "${text}"`);
  }
  return Number(text);
}
