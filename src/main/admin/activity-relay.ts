import type { ChangeFeed } from '../store/change-feed';
import type { Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import { eventsAfter, eventsInRanges } from './activity';
import { RecentIds } from './recent-ids';

/** The most events read back for one announcement or one resync. */
const READ_LIMIT = 1_000;

/**
 * Live activity across instances: this instance announces the ids of the
 * events it committed (never their content: NOTIFY carries 8000 bytes at
 * most, and ids are all another instance needs), and reads back the ids
 * the others announce, emitting them as `relayed` on its activity log, so
 * the consoles attached to it (SSE, the window) see every instance's
 * events. After a resync (the feed's connection dropped) it reads what came
 * after the newest event it knows. Returns the stop function.
 */
export function relayActivity(parts: { db: Db; activity: ActivityLog; changes: ChangeFeed }): () => void {
  const { db, activity, changes } = parts;
  const seen = new RecentIds();
  let stopped = false;
  const local = (event: { id: number }) => {
    seen.add(event.id);
    changes.publish({ kind: 'events', ranges: [[event.id, event.id]] });
  };
  activity.on('event', local);
  const show = async (read: () => Promise<Array<Parameters<ActivityLog['relay']>[0]>>) => {
    let events;
    try {
      events = await read();
    } catch {
      // The database is unreachable: the events stay in the log, the console shows them on its next read.
      return;
    }
    for (const event of events) if (!stopped && seen.add(event.id)) activity.relay(event);
  };
  const unsubscribe = changes.subscribe((change, fromSelf) => {
    if (fromSelf || change.kind !== 'events') return;
    void show(() => eventsInRanges(db, change.ranges, READ_LIMIT));
  });
  const unResync = changes.onResync(() => {
    if (seen.highest > 0) void show(() => eventsAfter(db, seen.highest, READ_LIMIT));
  });
  return () => {
    stopped = true;
    activity.off('event', local);
    unsubscribe();
    unResync();
  };
}
