import { createContext, useContext, useSyncExternalStore } from 'react';

/** One shared one-second clock, so a table of countdowns re-renders once per tick. */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * A stopped clock: while the server is unreachable the screens show what
 * was true when it went away, so countdowns stop at that moment instead of
 * running on over rows nobody can confirm.
 */
export const FrozenNowContext = createContext<number | null>(null);

/** The current time in ms, updated every second while any component watches it (or the frozen moment). */
export function useNow(): number {
  const frozen = useContext(FrozenNowContext);
  const live = useSyncExternalStore(subscribe, () => now);
  return frozen ?? live;
}
