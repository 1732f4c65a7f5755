import type { ReactElement } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import {
  AdminError,
  adminContract,
  createAdminClient,
  fieldErrorsFrom,
  type ChangeEvent,
  type ParsedInput,
  type ProcedureName,
  type ProcedureOutput,
} from '../../src/shared/contract';
import { AdminProvider } from '../../src/renderer/src/admin/AdminProvider';
import type { AdminConnection, LiveStatus } from '../../src/renderer/src/admin/connection';
import { theme } from '../../src/renderer/src/theme';

export type FakeHandlers = { [P in ProcedureName]?: (input: ParsedInput<P>) => ProcedureOutput<P> | Promise<ProcedureOutput<P>> };

export interface FakeAdmin {
  connection: AdminConnection;
  /** Every call that reached a handler, in order, with its parsed input. */
  calls: Array<{ procedure: ProcedureName; input: unknown }>;
  /** Pushes a live change to the console. */
  emit(change: ChangeEvent): void;
  /** Reports a live-stream status to the console (`reconnecting` when the server goes away). */
  setStatus(status: LiveStatus): void;
}

/**
 * An admin service in memory: inputs are parsed by the real contract
 * schemas (so a bad input is refused with the same field errors as the
 * server's), then answered by the given handlers.
 */
export function fakeAdmin(handlers: FakeHandlers): FakeAdmin {
  const calls: FakeAdmin['calls'] = [];
  const listeners = new Set<(change: ChangeEvent) => void>();
  const statusListeners = new Set<(status: LiveStatus) => void>();
  const transport = async (procedure: ProcedureName, input: unknown) => {
    const parsed = adminContract[procedure].input.safeParse(input);
    if (!parsed.success) throw new AdminError({ code: 'invalid_input', message: 'The input is not valid', fields: fieldErrorsFrom(parsed.error) });
    const handler = handlers[procedure] as ((input: unknown) => unknown) | undefined;
    if (!handler) throw new AdminError({ code: 'unknown_procedure', message: `no fake for ${procedure}` });
    calls.push({ procedure, input: parsed.data });
    return handler(parsed.data);
  };
  return {
    calls,
    emit: (change) => listeners.forEach((l) => l(change)),
    setStatus: (status) => statusListeners.forEach((l) => l(status)),
    connection: {
      client: createAdminClient(transport),
      transport: 'http',
      subscribe(onChange, onStatus) {
        listeners.add(onChange);
        statusListeners.add(onStatus);
        onStatus('live');
        return () => {
          listeners.delete(onChange);
          statusListeners.delete(onStatus);
        };
      },
    },
  };
}

/** Renders a piece of the console with its providers, at `route` (matched against `path`). */
export function renderConsole(ui: ReactElement, options: { admin: FakeAdmin; route?: string; path?: string; extraRoutes?: ReactElement[] }) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <MantineProvider theme={theme}>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <AdminProvider connection={options.admin.connection}>
          <MemoryRouter initialEntries={[options.route ?? '/']}>
            <Routes>
              <Route path={options.path ?? '*'} element={ui} />
              {options.extraRoutes}
            </Routes>
          </MemoryRouter>
        </AdminProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

/** Wraps plain components (no admin, no router) in the theme provider. */
export function renderPlain(ui: ReactElement) {
  return render(<MantineProvider theme={theme}>{ui}</MantineProvider>);
}
