import { toChangeEvent, type ChangeEvent } from '../../shared/contract/activity';
import type { ActivityEvent, ActivityLog } from '../store/events-store';

/** Calls `listener` with a change for every new activity event; returns the unsubscribe function. */
export function subscribeChanges(activity: Pick<ActivityLog, 'on' | 'off'>, listener: (change: ChangeEvent) => void): () => void {
  const onEvent = (event: ActivityEvent) => {
    try {
      listener(toChangeEvent(event));
    } catch {
      // A failing subscriber (a closed stream, a destroyed window) must not break the log.
    }
  };
  activity.on('event', onEvent);
  return () => {
    activity.off('event', onEvent);
  };
}
