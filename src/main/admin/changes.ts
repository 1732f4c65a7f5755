import { toChangeEvent, type ChangeEvent } from '../../shared/contract/activity';
import type { ActivityEvent, ActivityLog } from '../store/events-store';

type Listener = (change: ChangeEvent) => void;

/** One listener per activity log fans out to every follower (SSE streams, the window), however many. */
const followers = new WeakMap<Pick<ActivityLog, 'on'>, Set<Listener>>();

/**
 * Calls `listener` with a change for every new activity event, this
 * instance's and those other instances on the database committed (relayed,
 * see activity-relay.ts); returns the unsubscribe function. Relayed events
 * arrive a few milliseconds late, so ids are not in order: followers
 * de-duplicate by id, not by "newer than the last".
 */
export function subscribeChanges(activity: Pick<ActivityLog, 'on'>, listener: Listener): () => void {
  let set = followers.get(activity);
  if (!set) {
    const listeners = new Set<Listener>();
    set = listeners;
    followers.set(activity, listeners);
    const fanOut = (event: ActivityEvent) => {
      const change = toChangeEvent(event);
      for (const follower of [...listeners]) {
        try {
          follower(change);
        } catch {
          // A failing follower (a closed stream, a destroyed window) must not stop the others.
        }
      }
    };
    activity.on('event', fanOut);
    activity.on('relayed', fanOut);
  }
  const listeners = set;
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
