import { Accordion, Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { WebhookDelivery } from '../../../../../shared/contract';
import { useAdminMutation, useAdminPagedQuery } from '../../../admin/hooks';
import { TimeAgo } from '../../../components/badges';
import { Empty, ErrorAlert, QueryState } from '../../../components/feedback';
import { formatDateTime } from '../../../lib/format';

const STATUS_COLORS: Record<WebhookDelivery['status'], string> = { pending: 'yellow', succeeded: 'green', failed: 'red' };

function Attempts({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.attemptLog.length === 0) return <Text size="sm" c="dimmed">No attempt yet.</Text>;
  return (
    <Table withTableBorder fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>#</Table.Th>
          <Table.Th>At</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Duration</Table.Th>
          <Table.Th>Response / error</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {delivery.attemptLog.map((attempt) => (
          <Table.Tr key={attempt.attempt}>
            <Table.Td>{attempt.attempt}</Table.Td>
            <Table.Td>{formatDateTime(attempt.startedAt)}</Table.Td>
            <Table.Td>{attempt.responseStatus ?? '—'}</Table.Td>
            <Table.Td>{attempt.durationMs} ms</Table.Td>
            <Table.Td>
              {attempt.error ? (
                <Text size="sm" c="red">
                  {attempt.error}
                </Text>
              ) : null}
              {attempt.responseExcerpt ? <Code block>{attempt.responseExcerpt}</Code> : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Every delivery of the app, newest first, with each attempt, the request sent, and a redeliver button. */
export function DeliveryLog({ appId }: { appId: string }) {
  const query = useAdminPagedQuery('webhooks.deliveries', { appId, limit: 20 });
  const redeliver = useAdminMutation('webhooks.redeliver', { onSuccess: () => notifications.show({ message: 'Queued again' }) });
  return (
    <QueryState query={query} isEmpty={query.items.length === 0} empty={<Empty title="No deliveries yet" description="Deliveries appear here when a subscribed event happens, or when you send a test event." />}>
      <Stack>
        {redeliver.error ? <ErrorAlert error={redeliver.error} /> : null}
        <Accordion variant="separated" chevronPosition="left">
          {query.items.map((delivery) => (
            <Accordion.Item key={delivery.id} value={delivery.id}>
              <Accordion.Control aria-label={`Delivery ${delivery.eventType} ${delivery.status}`}>
                <Group gap="sm" wrap="nowrap">
                  <Badge color={STATUS_COLORS[delivery.status]} variant="light">
                    {delivery.inFlight ? 'sending' : delivery.status}
                  </Badge>
                  <Text ff="monospace" size="sm">
                    {delivery.eventType}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {delivery.attempts}/{delivery.attemptLimit} attempts · <TimeAgo at={delivery.createdAt} />
                    {delivery.nextAttemptAt ? ` · next ${formatDateTime(delivery.nextAttemptAt)}` : ''}
                  </Text>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text size="sm">
                      webhook-id <Code>{delivery.id}</Code>
                    </Text>
                    <Button size="xs" variant="light" disabled={delivery.inFlight} loading={redeliver.isPending && redeliver.variables?.deliveryId === delivery.id} onClick={() => redeliver.mutate({ appId, deliveryId: delivery.id })}>
                      Redeliver
                    </Button>
                  </Group>
                  <Attempts delivery={delivery} />
                  <Text size="sm" fw={600}>
                    Request body
                  </Text>
                  <Code block>{delivery.payload}</Code>
                  {delivery.attemptLog.at(-1) ? (
                    <>
                      <Text size="sm" fw={600}>
                        Request headers (last attempt)
                      </Text>
                      <Code block>{Object.entries(delivery.attemptLog.at(-1)!.requestHeaders).map(([k, v]) => `${k}: ${v}`).join('\n')}</Code>
                    </>
                  ) : null}
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
        {query.hasNextPage ? (
          <Button variant="default" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
            Older deliveries
          </Button>
        ) : null}
      </Stack>
    </QueryState>
  );
}
