import { useMemo, useState } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { HashRouter } from 'react-router';
import { AdminError } from '../../shared/contract';
import { AdminProvider } from './admin/AdminProvider';
import type { AdminConnection } from './admin/connection';
import { forgetAdminToken, storeAdminToken } from './admin/token-storage';
import { ConnectScreen } from './ConnectScreen';
import { ConsoleRoutes } from './ConsoleRoutes';
import { colorSchemeManager, theme } from './theme';

function makeQueryClient(onUnauthorized: () => void): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (error instanceof AdminError && error.code === 'unauthorized') onUnauthorized();
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Only a transport failure is worth retrying; a refused input will be refused again.
        retry: (count, error) => error instanceof AdminError && error.code === 'unavailable' && count < 2,
      },
    },
  });
}

export interface ConsoleRootProps {
  initialConnection: AdminConnection | null;
  /** Builds an HTTP connection from a pasted admin token (web console only). */
  connect: (token: string) => AdminConnection;
  canReconnect: boolean;
}

/** Providers around the console: theme, notifications, query cache, router, admin connection. */
export function ConsoleRoot({ initialConnection, connect, canReconnect }: ConsoleRootProps) {
  const [connection, setConnection] = useState(initialConnection);
  const [refused, setRefused] = useState(false);
  const queryClient = useMemo(
    () =>
      makeQueryClient(() => {
        if (!canReconnect) return;
        forgetAdminToken(window.sessionStorage);
        setRefused(true);
      }),
    // A new connection starts with an empty cache.
    [connection, canReconnect],
  );
  const onToken = (token: string) => {
    storeAdminToken(window.sessionStorage, token);
    setRefused(false);
    setConnection(connect(token));
  };
  return (
    <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
      {/* Top right, under the header (console.css): forms end with their Save button at the bottom right, where a toast would cover it. */}
      <Notifications position="top-right" className="console-notifications" />
      {!connection || refused ? (
        <ConnectScreen refused={refused} onToken={onToken} />
      ) : (
        <QueryClientProvider client={queryClient}>
          <AdminProvider connection={connection}>
            <HashRouter>
              <ConsoleRoutes />
            </HashRouter>
          </AdminProvider>
        </QueryClientProvider>
      )}
    </MantineProvider>
  );
}
