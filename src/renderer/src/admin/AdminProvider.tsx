import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ChangeTopic } from '../../../shared/contract';
import type { AdminConnection, LiveStatus } from './connection';
import { AdminContext, TOPIC_DOMAINS } from './hooks';

/** Invalidations are batched: a burst of token events refetches once. */
const BATCH_MS = 250;

/**
 * Provides the admin connection and follows its live changes, marking the
 * affected queries stale so every open screen refreshes without a reload.
 */
export function AdminProvider({ connection, children }: { connection: AdminConnection; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');

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
      setLiveStatus,
    );
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [connection, queryClient]);

  const value = useMemo(() => ({ connection, liveStatus }), [connection, liveStatus]);
  return <AdminContext.Provider value={value}>{children}</AdminContext.Provider>;
}
