import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { ResourceServer } from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { ScopeBadges } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue } from '../../components/copy';
import { Empty, QueryState } from '../../components/feedback';
import { IconAction } from '../../components/IconAction';
import { IconPencil, IconPlus, IconSearch, IconTrash } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { describeSeconds } from '../../lib/format';
import { MetadataSnippet } from './MetadataSnippet';
import { ResourceFormModal } from './ResourceFormModal';

/** Resource servers (Auth0's "APIs"): what tokens are issued for, with their scopes, format, lifetime and RFC 9728 document. */
export function ResourcesScreen() {
  const [search, setSearch] = useState('');
  const resources = useAdminQuery('resources.list', search.trim() ? { search: search.trim() } : {});
  const remove = useAdminMutation('resources.delete');
  const [editing, setEditing] = useState<ResourceServer | 'new' | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const items = resources.data?.items ?? [];
  const selected = items.find((rs) => rs.id === selectedId) ?? null;
  return (
    <>
      <PageHeader
        title="Resources"
        description="The APIs tokens are issued for (RFC 8707 resource indicators): a client sends resource=<identifier>, and the token's audience is bound to it."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New resource server
          </Button>
        }
      />
      <Card withBorder padding="md">
        <Stack>
          <TextInput label="Search" placeholder="Name or identifier" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
          <QueryState
            query={resources}
            loadingLabel="Loading resource servers…"
            isEmpty={items.length === 0}
            empty={
              search.trim() ? (
                <Empty title="No resource server matches" description="Change the search." />
              ) : (
                <Empty title="No resource servers" description="Add the APIs your apps call, so their tokens are bound to them." />
              )
            }
          >
            <Table.ScrollContainer minWidth={720}>
              <Table highlightOnHover verticalSpacing="sm" data-actions>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Resource server</Table.Th>
                    <Table.Th>Identifier</Table.Th>
                    <Table.Th>Scopes</Table.Th>
                    <Table.Th>Tokens</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((rs) => (
                    <Table.Tr
                      key={rs.id}
                      className="clickable-row"
                      tabIndex={0}
                      aria-selected={rs.id === selectedId}
                      aria-label={`Show ${rs.name}`}
                      onClick={(e) => {
                        if ((e.target as HTMLElement).closest('button, a')) return;
                        setSelectedId(rs.id);
                      }}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' && e.target === e.currentTarget) setSelectedId(rs.id);
                      }}
                    >
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Text fw={600} size="sm">
                            {rs.name}
                          </Text>
                          {rs.builtIn ? (
                            <Badge size="xs" variant="outline" color="gray">
                              built in
                            </Badge>
                          ) : null}
                        </Group>
                      </Table.Td>
                      <Table.Td maw={320}>
                        <CopyValue value={rs.identifier} label={`identifier of ${rs.name}`} truncate />
                      </Table.Td>
                      <Table.Td>
                        <ScopeBadges scopes={[...rs.scopes, ...rs.customScopes.map((s) => s.name)]} max={4} />
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          <Badge size="sm" variant="light" color={rs.tokenFormat === 'jwt' ? 'grape' : 'blue'}>
                            {rs.tokenFormat === 'jwt' ? 'JWT' : 'opaque'}
                          </Badge>
                          <Text size="xs" c="dimmed">
                            {rs.accessTokenTtl === null ? 'server lifetime' : describeSeconds(rs.accessTokenTtl)}
                          </Text>
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={2} justify="flex-end" wrap="nowrap">
                          <IconAction tooltip="Edit" label={`Edit ${rs.name}`} icon={<IconPencil size={16} />} onClick={() => setEditing(rs)} />
                          {rs.builtIn ? null : (
                            <ConfirmButton
                              iconOnly
                              icon={<IconTrash size={16} />}
                              label={`Delete ${rs.name}`}
                              title={`Delete ${rs.name}?`}
                              confirmLabel="Delete resource server"
                              action={() => remove.mutateAsync({ id: rs.id })}
                              onDone={() => setSelectedId((id) => (id === rs.id ? null : id))}
                            >
                              <Text size="sm">
                                From now on, asking for <code>resource={rs.identifier}</code> gets <code>invalid_target</code>. Tokens already issued for it keep their audience until they
                                expire or are revoked.
                              </Text>
                            </ConfirmButton>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </QueryState>
        </Stack>
      </Card>
      {selected ? (
        <Card withBorder padding="md" mt="md">
          <Stack gap="sm">
            <Title order={4}>{selected.name}: protected resource metadata</Title>
            <MetadataSnippet resource={selected} />
          </Stack>
        </Card>
      ) : null}
      {editing !== null ? <ResourceFormModal resource={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}
