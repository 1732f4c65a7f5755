import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ChangeTopic } from '../../../shared/contract';
import type { AdminConnection, LiveStatus } from './connection';
import { AdminContext, TOPIC_DOMAINS } from './hooks';

/** Invalidations are batched: a burst of token events refetches once. */
const BATCH_MS = 250;

/** When the screens went stale: kept while the server stays away, cleared once it is live again. */
function staleAfter(status: LiveStatus, since: number | null): number | null {
  if (status === 'reconnecting' || status === 'refused') return since ?? Date.now();
  return status === 'live' ? null : since;
}

/**
 * Provides the admin connection and follows its live changes, marking the
 * affected queries stale so every open screen refreshes without a reload.
 */
export function AdminProvider({ connection, children }: { connection: AdminConnection; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');
  const [staleSince, setStaleSince] = useState<number | null>(null);

  useEffect(() => {
    const pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const domains = [...pending];
      pending.clear();
      for (const domain of domains) void queryClient.invalidateQueries({ queryKey: ['admin', domain] });
    };
    const unsubscribe = connection.subscribe(
      (change) => {
        // Counts on the overview depend on everything.
        pending.add('server');
        for (const topic of change.topics as ChangeTopic[]) for (const domain of TOPIC_DOMAINS[topic]) pending.add(domain);
        timer ??= setTimeout(flush, BATCH_MS);
      },
      (status) => {
        setLiveStatus(status);
        setStaleSince((since) => staleAfter(status, since));
        // Back from a drop (or refused): everything may have changed meanwhile, so refetch at once
        // rather than when each query goes stale; a refused token makes every query fail, which
        // asks for the new token.
        if (status === 'live' || status === 'refused') void queryClient.invalidateQueries({ queryKey: ['admin'] });
      },
    );
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [connection, queryClient]);

  const value = useMemo(() => ({ connection, liveStatus, staleSince }), [connection, liveStatus, staleSince]);
  return <AdminContext.Provider value={value}>{children}</AdminContext.Provider>;
}
