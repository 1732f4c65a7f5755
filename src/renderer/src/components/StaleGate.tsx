import { useContext, type ReactNode } from 'react';
import { Alert, Loader, Group, Text } from '@mantine/core';
import { AdminContext, useAdmin } from '../admin/hooks';
import { formatTime } from '../lib/format';
import { FrozenNowContext } from '../lib/use-now';

/**
 * While the server is away the console says so once, plainly, over every
 * screen: the data shown is as of the moment it went, countdowns stop there,
 * and every control of the screen is off (a disabled fieldset) until the
 * live stream is back, when every query refetches at once.
 */
export function StaleGate({ children }: { children: ReactNode }) {
  const { staleSince, liveStatus } = useAdmin();
  const stale = staleSince !== null;
  // The same tree whether stale or not, so the screen keeps its state (open drawers, typed text).
  return (
    <FrozenNowContext.Provider value={staleSince}>
      {stale ? (
        <Alert color="orange" variant="filled" mb="md" role="alert" title={liveStatus === 'refused' ? 'The server restarted with a new admin token' : 'The server is not answering'}>
          <Group gap="xs" wrap="nowrap">
            {liveStatus === 'refused' ? null : <Loader size="xs" color="white" aria-hidden />}
            <Text size="sm">
              {liveStatus === 'refused'
                ? 'Open the console URL it printed, or paste its new token.'
                : `What you see is as of ${formatTime(staleSince)}, and actions are off until it is back. Reconnecting…`}
            </Text>
          </Group>
        </Alert>
      ) : null}
      <fieldset disabled={stale} className={stale ? 'stale-gate stale' : 'stale-gate'}>
        {children}
      </fieldset>
    </FrozenNowContext.Provider>
  );
}

/** Whether actions must wait: the server is away. For controls outside the page (drawers, dialogs). */
export function useActionsOff(): boolean {
  return (useContext(AdminContext)?.staleSince ?? null) !== null;
}
