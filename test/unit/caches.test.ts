import { describe, expect, it } from 'vitest';
import { clientTokensKey, readThrough, StoreCaches } from '../../src/main/store/caches';
import type { UnitOfWork } from '../../src/main/store/unit-of-work';

describe('the store caches', () => {
  it('remember a read unless something was invalidated while it was in flight', () => {
    const caches = new StoreCaches();
    const before = caches.users.ticket();
    caches.invalidate('user', 'someone-else');
    caches.users.set('u1', { name: 'stale' }, before);
    expect(caches.users.get('u1')).toBeUndefined();
    caches.users.set('u1', { name: 'fresh' }, caches.users.ticket());
    expect(caches.users.get('u1')).toEqual({ value: { name: 'fresh' } });
  });

  it('forget one fact, a client\'s tokens, a kind, or everything', () => {
    const caches = new StoreCaches();
    const row = { payload: '{}', revoked_at: null };
    caches.tokens.put('AccessToken:a', row, 'app1');
    caches.tokens.put('AccessToken:b', row, 'app1');
    caches.tokens.put('AccessToken:c', row, 'app2');
    caches.invalidate('token', clientTokensKey('app1'));
    expect([caches.tokens.get('AccessToken:a'), caches.tokens.get('AccessToken:b')]).toEqual([undefined, undefined]);
    expect(caches.tokens.get('AccessToken:c')).toBeDefined();
    caches.invalidate('token', 'AccessToken:c');
    expect(caches.tokens.size).toBe(0);
    caches.workspaces.put('w1', { name: 'W' });
    caches.memberships.put('w1 u1', 'OWNER');
    caches.invalidate('workspace');
    expect(caches.workspaces.size).toBe(0);
    expect(caches.memberships.size).toBe(1);
    caches.invalidateAll();
    expect(caches.memberships.size).toBe(0);
  });

  it('announce local changes to listeners, and forget again when the unit of work ends', () => {
    const caches = new StoreCaches();
    const heard: Array<[string, string | undefined]> = [];
    const stop = caches.onChange((kind, key) => heard.push([kind, key]));
    const ended: Array<() => void> = [];
    const unit = { afterCommit: (fn: () => void) => ended.push(fn), afterRollback: (fn: () => void) => ended.push(fn) } as unknown as UnitOfWork;
    caches.attach(() => unit);
    expect(caches.usable).toBe(false);
    caches.changed('membership', 'w1 u1');
    expect(heard).toEqual([['membership', 'w1 u1']]);
    // A read that ran meanwhile left the old value behind: the unit's end forgets it.
    caches.memberships.put('w1 u1', 'ADMIN');
    for (const fn of ended) fn();
    expect(caches.memberships.get('w1 u1')).toBeUndefined();
    stop();
    caches.changed('user');
    expect(heard).toHaveLength(1);
  });

  it('inside a unit of work: remembered values are read; a miss is remembered only while the unit wrote nothing of its kind', async () => {
    const caches = new StoreCaches();
    let loads = 0;
    const load = async () => ({ n: ++loads });
    await readThrough(caches, 'user', 'u1', load);
    const unit = { afterCommit: () => undefined, afterRollback: () => undefined } as unknown as UnitOfWork;
    let current: UnitOfWork | undefined = unit;
    caches.attach(() => current);
    expect(await readThrough(caches, 'user', 'u1', load)).toEqual({ n: 1 });
    // Nothing of the kind written yet: what the unit loads is committed state.
    expect(await readThrough(caches, 'user', 'u2', load)).toEqual({ n: 2 });
    expect(caches.users.get('u2')).toEqual({ value: { n: 2 } });
    // Its own write forgets the fact at once, so its next read comes from its transaction...
    caches.changed('user', 'u1');
    expect(await readThrough(caches, 'user', 'u1', load)).toEqual({ n: 3 });
    // ...and from now on what it loads of that kind may be its own uncommitted write: never remembered.
    expect(caches.users.get('u1')).toBeUndefined();
    expect(await readThrough(caches, 'user', 'u3', load)).toEqual({ n: 4 });
    expect(caches.users.get('u3')).toBeUndefined();
    // Other kinds are still remembered; a write of every kind ('all') stops those too.
    await readThrough(caches, 'workspace', 'w1', load);
    expect(caches.workspaces.get('w1')).toBeDefined();
    caches.changed('all');
    await readThrough(caches, 'workspace', 'w2', load);
    expect(caches.workspaces.get('w2')).toBeUndefined();
    // Another unit (or none) starts clean.
    current = { afterCommit: () => undefined, afterRollback: () => undefined } as unknown as UnitOfWork;
    await readThrough(caches, 'user', 'u3', load);
    expect(caches.users.get('u3')).toBeDefined();
  });

  it('off: nothing is remembered and every read asks the store', async () => {
    const caches = new StoreCaches({ enabled: false });
    caches.tokens.put('AccessToken:a', { payload: '{}', revoked_at: null });
    expect(caches.tokens.get('AccessToken:a')).toBeUndefined();
    let loads = 0;
    const load = async () => ({ n: ++loads });
    await readThrough(caches, 'user', 'u1', load);
    await readThrough(caches, 'user', 'u1', load);
    expect(loads).toBe(2);
  });

  it('on: a second read is served from memory, frozen, so no caller can change what the next one gets', async () => {
    const caches = new StoreCaches();
    let loads = 0;
    const load = async () => ({ n: ++loads, groups: ['a'] });
    const first = await readThrough(caches, 'user', 'u1', load);
    expect(() => first.groups.push('changed by a caller')).toThrow(TypeError);
    expect(() => Object.assign(first, { n: 99 })).toThrow(TypeError);
    const second = await readThrough(caches, 'user', 'u1', load);
    expect(loads).toBe(1);
    expect(second).toBe(first);
    expect(second).toEqual({ n: 1, groups: ['a'] });
  });
});
