import type { ReactNode } from 'react';
import { Alert, Button, Center, EmptyState, Group, List, Loader, Stack, Text } from '@mantine/core';
import { AdminError, type AdminErrorCode } from '../../../shared/contract';
import { IconAlert, IconInbox } from './icons';

const ERROR_TITLES: Record<AdminErrorCode, string> = {
  invalid_input: 'Some fields need attention',
  not_found: 'Not found',
  conflict: 'That change is not allowed',
  unauthorized: 'The admin token was refused',
  forbidden: 'Not allowed',
  unknown_procedure: 'The server does not know this action',
  unavailable: 'The admin service cannot be reached',
  internal: 'The server hit an internal error',
};

const ERROR_HINTS: Partial<Record<AdminErrorCode, string>> = {
  unavailable: 'Check that the server is running, then retry.',
  unauthorized: 'Open the console URL the server printed at start (it carries a fresh token).',
  unknown_procedure: 'The console and the server come from different versions.',
  internal: 'The activity log has the details.',
};

export function asAdminError(error: unknown): AdminError {
  if (error instanceof AdminError) return error;
  return new AdminError({ code: 'internal', message: (error as Error | undefined)?.message ?? String(error) });
}

/** A server error in words: a title by code, the server's message, and each field problem. */
export function ErrorAlert({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const err = asAdminError(error);
  const hint = ERROR_HINTS[err.code];
  return (
    <Alert color="red" variant="light" title={title ?? ERROR_TITLES[err.code]} icon={<IconAlert />} role="alert">
      <Stack gap={6}>
        <Text size="sm">{err.message}</Text>
        {err.fields.length > 0 && (
          <List size="sm" spacing={2}>
            {err.fields.map((f) => (
              <List.Item key={`${f.field}:${f.message}`}>
                {f.field ? <Text span fw={600} size="sm">{`${f.field}: `}</Text> : null}
                {f.message}
              </List.Item>
            ))}
          </List>
        )}
        {hint ? (
          <Text size="sm" c="dimmed">
            {hint}
          </Text>
        ) : null}
        {onRetry ? (
          <Group>
            <Button size="xs" variant="default" onClick={onRetry}>
              Retry
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed" size="sm">
          {label}
        </Text>
      </Group>
    </Center>
  );
}

export function Empty({ title, description, action }: { title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <EmptyState py="xl" title={title} description={description} icon={<IconInbox size={28} />} withIndicatorBackground>
      {action ? <EmptyState.Actions>{action}</EmptyState.Actions> : null}
    </EmptyState>
  );
}

interface QueryLike {
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * The three states every screen has before its content: loading, error
 * (in words, with retry) and empty.
 */
export function QueryState({
  query,
  isEmpty,
  empty,
  children,
  loadingLabel,
}: {
  query: QueryLike;
  isEmpty?: boolean;
  empty?: ReactNode;
  children: ReactNode;
  loadingLabel?: string;
}) {
  if (query.isPending && !query.error) return <Loading label={loadingLabel} />;
  if (query.error) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty) return <>{empty}</>;
  return <>{children}</>;
}
