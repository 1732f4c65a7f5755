import { useState } from 'react';
import { Button, Card, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { useAdminMutation } from '../../admin/hooks';
import { formatDateTime } from '../../lib/format';
import { describeOffset } from './describe-rule';

/** Time travel: the server clock's offset, for every expiry decision and the iat/exp of JWTs. */
export function ClockCard({ offsetSeconds, serverNow }: { offsetSeconds: number; serverNow: number }) {
  const [value, setValue] = useState<number | string>(offsetSeconds);
  const setClock = useAdminMutation('simulation.setClock');
  const apply = (seconds: number) => setClock.mutate({ offsetSeconds: seconds });
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={4}>Server clock</Title>
        <Text size="sm" c="dimmed">
          {offsetSeconds === 0 ? 'Real time.' : `${describeOffset(offsetSeconds)} from real time.`} Server time: {formatDateTime(serverNow)}. Expiry decisions, introspection, the resource
          API, the MCP server and the iat/exp of new JWTs follow it.
        </Text>
        <Group align="flex-end">
          <NumberInput label="Offset (seconds, + or −)" value={value} onChange={setValue} w={220} error={setClock.error?.fieldMessage('offsetSeconds')} />
          <Button onClick={() => typeof value === 'number' && apply(value)} loading={setClock.isPending}>
            Set offset
          </Button>
          <Button variant="default" onClick={() => apply(offsetSeconds + 86_400)}>
            +1 day
          </Button>
          <Button variant="default" onClick={() => apply(offsetSeconds + 3600)}>
            +1 hour
          </Button>
          <Button
            variant="subtle"
            disabled={offsetSeconds === 0}
            onClick={() => {
              setValue(0);
              apply(0);
            }}
          >
            Back to real time
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
