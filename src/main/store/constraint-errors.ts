/** The driver's error code: SQLite's `SQLITE_*` name, or PostgreSQL's SQLSTATE. */
function codeOf(err: unknown): string {
  return (err as { code?: unknown } | undefined)?.code?.toString() ?? '';
}

/** A unique (or primary key) constraint refused the write: a race lost against another writer, or a duplicate. */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23505' || (code === 'SQLITE_CONSTRAINT' && /UNIQUE|PRIMARY KEY/i.test((err as Error).message));
}

/** Any integrity constraint refused the write (unique, foreign key, check, not null). */
export function isConstraintViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'SQLITE_CONSTRAINT' || /^23\d{3}$/.test(code);
}
