import { createContext, useContext } from 'react';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
  type UseMutationOptions,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { AdminError, ChangeTopic, ProcedureInput, ProcedureName, ProcedureOutput } from '../../../shared/contract';
import type { AdminConnection, LiveStatus } from './connection';

export interface AdminContextValue {
  connection: AdminConnection;
  liveStatus: LiveStatus;
  /** When the server stopped answering (ms), or null while it answers: the screens are stale since then. */
  staleSince: number | null;
}

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) throw new Error('useAdmin needs an <AdminProvider>');
  return value;
}

type Domain<P extends ProcedureName> = P extends `${infer D}.${string}` ? D : never;

/** Query keys: `['admin', domain, procedure, input]`, so a change can invalidate a whole domain. */
export function adminKey<P extends ProcedureName>(procedure: P, input?: unknown): QueryKey {
  const domain = procedure.slice(0, procedure.indexOf('.')) as Domain<P>;
  return input === undefined ? ['admin', domain, procedure] : ['admin', domain, procedure, input];
}

/** Which query domains each live-change topic makes stale. */
export const TOPIC_DOMAINS: Record<ChangeTopic, string[]> = {
  activity: ['activity'],
  apps: ['apps', 'consent', 'workspaces'],
  tokens: ['tokens', 'connections', 'apps'],
  connections: ['connections', 'tokens', 'apps'],
  identity: ['workspaces', 'users', 'memberships', 'consent'],
  apiKeys: ['apiKeys'],
  server: ['server', 'settings', 'consent', 'apps'],
  webhooks: ['webhooks'],
  resources: ['resources', 'consent'],
  sessions: ['sessions'],
  simulation: ['simulation', 'tokens'],
};

type CallFor<P extends ProcedureName> = (procedure: P, input: ProcedureInput<P>) => Promise<ProcedureOutput<P>>;

function caller<P extends ProcedureName>(connection: AdminConnection): CallFor<P> {
  return connection.client.call as unknown as CallFor<P>;
}

/** A query of one admin procedure, cached under its name and input. */
export function useAdminQuery<P extends ProcedureName>(
  procedure: P,
  input: ProcedureInput<P>,
  options: Omit<UseQueryOptions<ProcedureOutput<P>, AdminError>, 'queryKey' | 'queryFn'> = {},
) {
  const { connection } = useAdmin();
  return useQuery<ProcedureOutput<P>, AdminError>({
    queryKey: adminKey(procedure, input),
    queryFn: () => caller<P>(connection)(procedure, input),
    ...options,
  });
}

type Paged<T> = { items: T[]; nextCursor: string | null };
type PagedProcedure = { [P in ProcedureName]: ProcedureOutput<P> extends Paged<unknown> ? P : never }[ProcedureName];
type ItemOf<P extends PagedProcedure> = ProcedureOutput<P> extends Paged<infer T> ? T : never;

/** A keyset-paged list (`nextCursor`): the items of every page loaded so far, and a way to load more. */
export function useAdminPagedQuery<P extends PagedProcedure>(procedure: P, input: Omit<ProcedureInput<P>, 'cursor'>, options: { enabled?: boolean } = {}) {
  const { connection } = useAdmin();
  const query = useInfiniteQuery<ProcedureOutput<P>, AdminError>({
    queryKey: [...adminKey(procedure, input), 'paged'],
    queryFn: ({ pageParam }) =>
      caller<P>(connection)(procedure, { ...input, ...(pageParam ? { cursor: pageParam as string } : {}) } as ProcedureInput<P>),
    initialPageParam: null,
    getNextPageParam: (last) => (last as Paged<unknown>).nextCursor,
    enabled: options.enabled,
  });
  const items = (query.data?.pages.flatMap((page) => (page as Paged<ItemOf<P>>).items) ?? []) as ItemOf<P>[];
  return { ...query, items };
}

/**
 * A mutation of one admin procedure. On success every admin query is marked
 * stale: counts, lists and previews all depend on each other, and an admin
 * console's data is small.
 */
export function useAdminMutation<P extends ProcedureName>(
  procedure: P,
  options: Omit<UseMutationOptions<ProcedureOutput<P>, AdminError, ProcedureInput<P>>, 'mutationFn'> = {},
) {
  const { connection } = useAdmin();
  const queryClient = useQueryClient();
  return useMutation<ProcedureOutput<P>, AdminError, ProcedureInput<P>>({
    ...options,
    mutationFn: (input) => caller<P>(connection)(procedure, input),
    onSuccess: async (...args) => {
      try {
        await options.onSuccess?.(...args);
      } finally {
        void queryClient.invalidateQueries({ queryKey: ['admin'] });
      }
    },
  });
}
