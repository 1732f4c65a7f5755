/** The reason, in words, for a connection or server error (never the password: `pg` does not put it in messages). */
export function pgErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'nothing accepts connections at that host and port (is PostgreSQL running?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ETIMEDOUT') return 'the connection timed out';
  if (code === '28P01') return 'the password was refused';
  if (code === '28000') return `the server refused the connection: ${err.message}`;
  if (code === '3D000') return `${err.message} (create it first: createdb, or CREATE DATABASE)`;
  if (code === '42501') return `the user lacks a privilege the store needs: ${err.message}`;
  return err.message || (err as { code?: string }).code || 'unknown error';
}
