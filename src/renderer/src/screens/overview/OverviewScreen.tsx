import { useState } from 'react';
import { Alert, Anchor, Badge, Card, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { Link } from 'react-router';
import type { App } from '../../../../shared/contract';
import { useAdminQuery } from '../../admin/hooks';
import { CopyIconButton, CopyValue, Field } from '../../components/copy';
import { Empty, ErrorAlert, QueryState } from '../../components/feedback';
import { PageHeader } from '../../components/PageHeader';
import { SnippetTabs } from '../../components/SnippetTabs';
import { ENDPOINTS, endpointUrl } from '../../lib/endpoints';
import { formatDateTime, formatDuration } from '../../lib/format';
import { quickStartSnippets } from '../../lib/quick-start';
import { useNow } from '../../lib/use-now';
import { McpQuickStart } from './McpQuickStart';

function Stat({ label, value, to }: { label: string; value: number; to: string }) {
  return (
    <UnstyledButton component={Link} to={to}>
      <Paper withBorder p="md" radius="md">
        <Text size="xs" c="dimmed" fw={600} tt="uppercase">
          {label}
        </Text>
        <Text fz={28} fw={700} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {value}
        </Text>
      </Paper>
    </UnstyledButton>
  );
}

function Uptime({ startedAt }: { startedAt: number }) {
  const now = useNow();
  return <>{formatDuration((now - startedAt) / 1000)}</>;
}

function QuickStart({ issuer }: { issuer: string }) {
  const apps = useAdminQuery('apps.list', { limit: 200 });
  const [selected, setSelected] = useState<string | null>(null);
  const list = apps.data?.items ?? [];
  const app: App | undefined = list.find((a) => a.id === selected) ?? list[0];
  const snippets = app ? quickStartSnippets(app, issuer) : [];
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <div>
          <Title order={3}>Quick start</Title>
          <Text size="sm" c="dimmed">
            Ready-to-paste commands for one app.
          </Text>
        </div>
        <Select
          label="App"
          data={list.map((a) => ({ value: a.id, label: a.name }))}
          value={app?.id ?? null}
          onChange={setSelected}
          allowDeselect={false}
          searchable
          w={260}
          disabled={list.length === 0}
        />
      </Group>
      <QueryState
        query={apps}
        isEmpty={!app}
        empty={<Empty title="No apps yet" description="Create an app to get its quick start." action={<Anchor component={Link} to="/apps/new">Create an app</Anchor>} />}
      >
        {app ? (
          <>
            <SnippetTabs snippets={snippets} />
            <McpQuickStart app={app} issuer={issuer} />
          </>
        ) : null}
      </QueryState>
    </Card>
  );
}

/** Server status, counts, every endpoint with copy buttons, and a quick start. */
export function OverviewScreen() {
  const status = useAdminQuery('server.status', {});
  const s = status.data;
  return (
    <>
      <PageHeader title="Overview" description="The local authorization server at a glance." />
      <QueryState query={status} loadingLabel="Asking the server for its status…">
        {s ? (
          <Stack gap="lg">
            <Card withBorder padding="lg">
              <Group justify="space-between" align="flex-start" wrap="wrap">
                <Stack gap={4}>
                  <Group gap="xs">
                    <Badge color="teal" variant="dot" size="lg">
                      running
                    </Badge>
                    <Text size="sm" c="dimmed">
                      up <Uptime startedAt={s.startedAt} /> · since {formatDateTime(s.startedAt)}
                    </Text>
                  </Group>
                  <Group gap={4} wrap="nowrap">
                    <Text fz={22} fw={700} className="mono" style={{ fontSize: 22 }}>
                      {s.issuer}
                    </Text>
                    <CopyIconButton value={s.issuer} label="issuer URL" />
                  </Group>
                </Stack>
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" verticalSpacing={6}>
                  <Field label="Schema">
                    <Text size="sm">{s.schemaVersion}</Text>
                  </Field>
                  <Field label="Database">
                    <Text size="sm">{s.databaseDialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}</Text>
                  </Field>
                  <Field label="Master key">
                    <Text size="sm">{s.masterKeyKind}</Text>
                  </Field>
                  <Field label="Signing keys">
                    <Text size="sm">{s.signingKeys.filter((k) => k.status === 'active').map((k) => k.alg).join(', ') || 'none'}</Text>
                  </Field>
                  <Field label="Listening on">
                    <Text size="sm">
                      {s.host}:{s.port}
                    </Text>
                  </Field>
                </SimpleGrid>
              </Group>
              {s.masterKeyKind === 'file' ? (
                <Alert color="orange" mt="md" title="The master key is kept in a file">
                  No OS keychain was reachable, so the key that encrypts the signing keys sits in the data folder (readable only by you). It moves into the
                  keychain on the first start where one is reachable.
                </Alert>
              ) : null}
              {s.schemaVersion !== s.latestSchemaVersion ? (
                <Alert color="orange" mt="md" title="Database schema is not the newest">
                  Applied {s.schemaVersion}; this build knows {s.latestSchemaVersion}.
                </Alert>
              ) : null}
            </Card>

            <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
              <Stat label="Apps" value={s.counts.apps} to="/apps" />
              <Stat label="Active tokens" value={s.counts.activeTokens} to="/tokens?status=active" />
              <Stat label="Connections" value={s.counts.activeConnections} to="/connections" />
              <Stat label="Users" value={s.counts.users} to="/identity" />
              <Stat label="Workspaces" value={s.counts.workspaces} to="/identity?tab=workspaces" />
              <Stat label="Events" value={s.counts.events} to="/activity" />
            </SimpleGrid>

            <Card withBorder padding="lg">
              <Title order={3} mb="sm">
                Endpoints
              </Title>
              <Table.ScrollContainer minWidth={640}>
                <Table verticalSpacing={6} highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Endpoint</Table.Th>
                      <Table.Th>URL</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {ENDPOINTS.map((e) => (
                      <Table.Tr key={e.path}>
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {e.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {e.note}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <CopyValue value={endpointUrl(s.issuer, e.path)} label={`${e.name} URL`} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>

            <QuickStart issuer={s.issuer} />
          </Stack>
        ) : (
          <ErrorAlert error={new Error('The server sent no status')} />
        )}
      </QueryState>
    </>
  );
}
