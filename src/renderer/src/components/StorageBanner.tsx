import { Alert, Text } from '@mantine/core';
import { useAdminQuery } from '../admin/hooks';
import { formatDateTime } from '../lib/format';

/** Polling while the disk is full, so the banner goes as soon as the server can write again. */
const FULL_REFRESH_MS = 5_000;
const OK_REFRESH_MS = 30_000;

/**
 * A banner over every screen while the server cannot write its database
 * (the disk is full): what fails, since when, and what clients are told.
 */
export function StorageBanner() {
  const status = useAdminQuery('server.status', {}, { refetchInterval: (query) => (query.state.data?.storage.state === 'full' ? FULL_REFRESH_MS : OK_REFRESH_MS) });
  const storage = status.data?.storage;
  if (!storage || storage.state === 'ok') return null;
  return (
    <Alert color="red" title="The disk is full: nothing can be saved" mb="md" role="alert">
      <Text size="sm">
        Since {formatDateTime(storage.since)}: {storage.message}. Sign-ins, tokens and console changes fail until space is freed on that disk; the server
        recovers by itself.
      </Text>
    </Alert>
  );
}
