import { Accordion, Code, Stack, Text } from '@mantine/core';
import { useAdminQuery } from '../../../admin/hooks';
import { CopyValue } from '../../../components/copy';
import { Empty, QueryState } from '../../../components/feedback';
import { formatDateTime } from '../../../lib/format';

/** The app's built-in catcher: its URL and what it received, newest first. */
export function CatcherInbox({ appId }: { appId: string }) {
  const query = useAdminQuery('webhooks.catcher', { appId }, { refetchInterval: 3000 });
  const requests = query.data?.requests ?? [];
  return (
    <QueryState query={query}>
      <Stack>
        <Text size="sm" c="dimmed">
          A receiver on this server: point an endpoint at it (the "Use the catcher" button) to see deliveries without writing one. It keeps the newest 50 requests, 64 KB of each body.
        </Text>
        {query.data ? <CopyValue label="Catcher URL" value={query.data.url} /> : null}
        {requests.length === 0 ? (
          <Empty title="The catcher has received nothing yet" description="Send a test event to an endpoint that uses the catcher." />
        ) : (
          <Accordion variant="separated">
            {requests.map((request) => (
              <Accordion.Item key={request.id} value={String(request.id)}>
                <Accordion.Control>
                  {formatDateTime(request.receivedAt)} · {request.headers['webhook-id'] ?? 'no webhook-id'} · {request.size} bytes{request.truncated ? ' (truncated)' : ''}
                </Accordion.Control>
                <Accordion.Panel>
                  <Code block>{Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</Code>
                  <Code block mt="xs">
                    {request.body}
                  </Code>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )}
      </Stack>
    </QueryState>
  );
}
