import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/main/cli-args';
import { serve } from '../helpers/serve-process';

describe('serve --database (PostgreSQL)', () => {
  it('takes a postgres:// URL from the flag or OAUTH_CONSOLE_DATABASE_URL, and the pool size', () => {
    expect(parseCliArgs(['--database', 'postgres://oc:pw@db.internal:5432/oauth', '--database-pool', '20'], {})).toMatchObject({
      database: 'postgres://oc:pw@db.internal:5432/oauth',
      databasePool: 20,
    });
    expect(parseCliArgs([], { OAUTH_CONSOLE_DATABASE_URL: 'postgresql://db/oauth', OAUTH_CONSOLE_DATABASE_POOL: '5' })).toMatchObject({ database: 'postgresql://db/oauth', databasePool: 5 });
    expect(parseCliArgs([], {})).not.toHaveProperty('database');
  });

  it('refuses a bad URL or pool in one line that never shows the password', () => {
    const refusal = (args: string[], env: NodeJS.ProcessEnv = {}) => {
      try {
        parseCliArgs(args, env);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error(`accepted ${args.join(' ')}`);
    };
    expect(refusal(['--database', 'mysql://u:hunter2@h/db'])).toBe('--database must be a PostgreSQL URL such as postgres://user:password@host:5432/database, not "mysql://u:***@h/db"');
    expect(refusal(['--database', 'postgres://u:hunter2@h:5432/'])).toMatch(/^--database must name one database after the host .*"postgres:\/\/u:\*\*\*@h:5432\/"$/);
    expect(refusal([], { OAUTH_CONSOLE_DATABASE_URL: 'postgres://u:hunter2@:5432/db' })).toMatch(/^OAUTH_CONSOLE_DATABASE_URL must /);
    expect(refusal(['--database', 'postgres://h/db', '--database-pool', '0'])).toBe('--database-pool must be a whole number from 1 to 200, not "0"');
    expect(refusal(['--database-pool', '5'])).toMatch(/^--database-pool sizes the PostgreSQL pool: give --database/);
    expect(refusal(['--database', 'postgres://h/db', '--backup', 'x.sqlite'])).toMatch(/^--backup works on the SQLite file .*pg_dump/);
    for (const args of [['--database', 'mysql://u:hunter2@h/db'], ['--database', 'postgres://u:hunter2@h:5432/']]) expect(refusal(args)).not.toContain('hunter2');
  });

  it('stops with one line naming the server (password hidden) when nothing answers there', async () => {
    const run = await serve(['--port', '0', '--database', 'postgres://oc:hunter2@127.0.0.1:1/oauth']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toBe('oauth-console: cannot open database postgres://oc:***@127.0.0.1:1/oauth: nothing accepts connections at that host and port (is PostgreSQL running?)');
  });
});
