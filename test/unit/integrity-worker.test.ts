import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSqlite } from '../../src/main/store/node-sqlite-module';
import { checkFileIntegrityOffThread } from '../../src/main/store/integrity-worker';
import { makeTempDir } from '../helpers/server';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await makeTempDir();
  file = join(dir, 'big.sqlite');
  const db = new (nodeSqlite().DatabaseSync)(file);
  db.exec(`create table t (id integer primary key, v text);
    create index t_v on t (v);
    with recursive n(i) as (select 1 union all select i + 1 from n where i < 600000)
    insert into t (v) select hex(randomblob(40)) from n;`);
  db.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the integrity check on a thread of its own', () => {
  it('finds a sound file sound, and the server thread keeps running meanwhile', async () => {
    // Ticks of a 1 ms timer while the check runs: a check on this thread would hold them all until it ends.
    let last = performance.now();
    let longestGap = 0;
    // The gap up to the end counts too: a blocked thread may not tick at all.
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    try {
      await expect(checkFileIntegrityOffThread(file, 'quick_check')).resolves.toBeNull();
    } finally {
      clearInterval(timer);
    }
    const ended = performance.now();
    const took = ended - started;
    longestGap = Math.max(longestGap, ended - last);
    expect(took).toBeGreaterThan(50);
    expect(longestGap).toBeLessThan(took / 2);
  });

  it('reports damage inside a table in one line, or rejects with the SQLite code that stopped it', async () => {
    const damaged = join(dir, 'damaged.sqlite');
    const db = new (nodeSqlite().DatabaseSync)(damaged);
    db.exec(`create table t (id integer primary key, v text);
      with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
      insert into t (v) select hex(randomblob(40)) from n;`);
    db.close();
    const handle = await open(damaged, 'r+');
    await handle.write(Buffer.alloc(4096 * 8, 0x5a), 0, 4096 * 8, 4096 * 4);
    await handle.close();
    const verdict = await checkFileIntegrityOffThread(damaged, 'quick_check').then(
      (line) => line,
      (err: NodeJS.ErrnoException) => `rejected ${err.code}`,
    );
    expect(verdict).toMatch(/^(integrity check failed \(\d+ problems?, first: .+\)|rejected SQLITE_(CORRUPT|NOTADB))$/);
  });

  it('rejects a missing file with SQLITE_CANTOPEN, creating nothing', async () => {
    await expect(checkFileIntegrityOffThread(join(dir, 'missing.sqlite'), 'quick_check')).rejects.toMatchObject({ code: 'SQLITE_CANTOPEN' });
  });
});
