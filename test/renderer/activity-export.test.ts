// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { ActivityEvent, AdminClient } from '../../src/shared/contract';
import { actorLabel, fetchAllActivity, toCsv, toJsonLines } from '../../src/renderer/src/lib/activity-export';

const event = (id: number, over: Partial<ActivityEvent> = {}): ActivityEvent => ({
  id,
  at: Date.UTC(2025, 0, 2, 3, 4, 5),
  type: 'membership.updated',
  level: 'info',
  clientId: null,
  accountId: 'usr_1',
  workspaceId: 'ws_1',
  detail: { via: 'api', principal: 'oc_key_1', from: 'MEMBER', to: 'ADMIN' },
  ...over,
});

describe('exporting the activity log', () => {
  it('pages back through the whole filter, not just the first page', async () => {
    const calls: unknown[] = [];
    const pages = [
      { items: [event(5), event(4)], latestId: 5, nextBeforeId: 4 },
      { items: [event(3)], latestId: 5, nextBeforeId: null },
    ];
    const client = { activity: { list: async (input: unknown) => (calls.push(input), pages.shift()!) } } as unknown as AdminClient;
    const progress: number[] = [];
    const all = await fetchAllActivity(client, { types: ['membership.'], from: 1 }, (n) => progress.push(n));
    expect(all.map((e) => e.id)).toEqual([5, 4, 3]);
    expect(calls).toEqual([
      { types: ['membership.'], from: 1, limit: 500 },
      { types: ['membership.'], from: 1, limit: 500, beforeId: 4 },
    ]);
    expect(progress).toEqual([2, 3]);
  });

  it('writes JSON lines: one parseable event per line, with time, actor and summary', () => {
    const lines = toJsonLines([event(2), event(1)]).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: 2, time: '2025-01-02T03:04:05.000Z', actor: 'api (oc_key_1)', summary: 'role MEMBER → ADMIN' });
    expect(toJsonLines([])).toBe('');
  });

  it('writes CSV with quoting, and defuses cells a spreadsheet would run as formulas', () => {
    const csv = toCsv([event(1, { type: 'api.rejected', detail: { path: '=HYPERLINK("x")', error: 'a,b' } })]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('id,time,type,level,app_id,app_name,user_id,workspace_id,actor,summary,detail');
    expect(row).toContain(`"'=HYPERLINK(""x"")`);
    expect(row!.startsWith('1,2025-01-02T03:04:05.000Z,api.rejected,info,,,usr_1,ws_1,,')).toBe(true);
  });

  it('names the actor of admin changes, and nobody for the engine', () => {
    expect(actorLabel(event(1, { detail: { via: 'console' } }))).toBe('console');
    expect(actorLabel(event(1, { detail: { grantType: 'authorization_code' } }))).toBe('');
  });
});
