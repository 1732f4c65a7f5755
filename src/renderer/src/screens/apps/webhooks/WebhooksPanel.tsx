import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Switch, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { WebhookEndpoint } from '../../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../../admin/hooks';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { Empty, ErrorAlert, QueryState } from '../../../components/feedback';
import { IconKey, IconPencil, IconPlus, IconTrash } from '../../../components/icons';
import { SecretOnceDialog } from '../../../components/SecretOnceDialog';
import { CatcherInbox } from './CatcherInbox';
import { DeliveryLog } from './DeliveryLog';
import { EndpointFormModal, type EndpointFormValue } from './EndpointFormModal';

function EndpointCard({ endpoint, onEdit, onSecret }: { endpoint: WebhookEndpoint; onEdit: () => void; onSecret: (secret: string) => void }) {
  const { appId, id } = endpoint;
  const update = useAdminMutation('webhooks.update');
  const sendTest = useAdminMutation('webhooks.sendTest', { onSuccess: () => notifications.show({ message: 'Test event queued: see the delivery log' }) });
  const rotate = useAdminMutation('webhooks.rotateSecret', { onSuccess: (result) => onSecret(result.secret) });
  const remove = useAdminMutation('webhooks.delete');
  const failure = update.error ?? sendTest.error ?? rotate.error;
  return (
    <Card withBorder data-testid="webhook-endpoint">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Stack gap={2}>
            <Text ff="monospace" size="sm" style={{ wordBreak: 'break-all' }}>
              {endpoint.url}
            </Text>
            <Text size="xs" c="dimmed">
              {endpoint.description ? `${endpoint.description} · ` : ''}secret ends with …{endpoint.secretHint}
            </Text>
          </Stack>
          <Switch label="Enabled" checked={endpoint.enabled} disabled={update.isPending} onChange={(e) => update.mutate({ appId, id, enabled: e.currentTarget.checked })} />
        </Group>
        <Group gap={4}>
          {endpoint.events.map((event) => (
            <Badge key={event} variant="light" tt="none">
              {event}
            </Badge>
          ))}
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={onEdit}>
            Edit
          </Button>
          <Button size="xs" variant="default" loading={sendTest.isPending} onClick={() => sendTest.mutate({ appId, id })}>
            Send test event
          </Button>
          <ConfirmButton label="Rotate secret" icon={<IconKey size={14} />} size="xs" variant="default" title="Rotate the signing secret?" confirmLabel="Rotate" action={() => rotate.mutateAsync({ appId, id })}>
            Every attempt from now on is signed with the new secret, retries of earlier events too. Receivers must switch to it.
          </ConfirmButton>
          <ConfirmButton label="Delete" icon={<IconTrash size={14} />} size="xs" color="red" variant="light" title="Delete this endpoint?" confirmLabel="Delete" action={() => remove.mutateAsync({ appId, id })}>
            Its pending deliveries and its delivery log are deleted with it.
          </ConfirmButton>
        </Group>
        {failure ? <ErrorAlert error={failure} /> : null}
      </Stack>
    </Card>
  );
}

/**
 * The app's Webhooks tab: its endpoints (add, edit, enable, test, rotate,
 * delete; the secret shown once), the delivery log and the catcher inbox.
 */
export function WebhooksPanel({ appId, appName }: { appId: string; appName: string }) {
  const endpoints = useAdminQuery('webhooks.list', { appId });
  const catcher = useAdminQuery('webhooks.catcher', { appId });
  const create = useAdminMutation('webhooks.create');
  const update = useAdminMutation('webhooks.update');
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const items = endpoints.data?.items ?? [];
  const save = async (value: EndpointFormValue) => {
    const description = value.description.trim() || undefined;
    if (editing === 'new') {
      const created = await create.mutateAsync({ appId, url: value.url, events: value.events, enabled: value.enabled, ...(description ? { description } : {}) });
      setSecret(created.secret);
    } else if (editing) {
      await update.mutateAsync({ appId, id: editing.id, url: value.url, events: value.events, enabled: value.enabled, description: description ?? null });
    }
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={4}>Endpoints</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          Add endpoint
        </Button>
      </Group>
      <QueryState
        query={endpoints}
        isEmpty={items.length === 0}
        empty={<Empty title="No webhook endpoints" description="Add one to be told of connections, revocations and changes of this app, signed per Standard Webhooks." />}
      >
        <Stack>
          {items.map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} onEdit={() => setEditing(endpoint)} onSecret={setSecret} />
          ))}
        </Stack>
      </QueryState>
      <Tabs defaultValue="deliveries" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="deliveries">Delivery log</Tabs.Tab>
          <Tabs.Tab value="catcher">Catcher inbox</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="deliveries" pt="md">
          <DeliveryLog appId={appId} />
        </Tabs.Panel>
        <Tabs.Panel value="catcher" pt="md">
          <CatcherInbox appId={appId} />
        </Tabs.Panel>
      </Tabs>
      {editing !== null ? (
        <EndpointFormModal
          key={editing === 'new' ? 'new' : editing.id}
          appId={appId}
          opened
          {...(editing !== 'new' ? { endpoint: editing } : {})}
          catcherUrl={catcher.data?.url}
          onClose={() => setEditing(null)}
          onSubmit={save}
        />
      ) : null}
      <SecretOnceDialog secret={secret} kind="webhook signing secret" owner={appName} storedAs="only an encrypted copy (the server signs with it)" onClose={() => setSecret(null)} />
    </Stack>
  );
}
