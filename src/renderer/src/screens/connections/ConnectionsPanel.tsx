import { Fragment } from 'react';
import { Badge, Button, Group, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link } from 'react-router';
import type { Connection } from '../../../../shared/contract';
import { useAdminMutation, useAdminPagedQuery } from '../../admin/hooks';
import { appOptions, useLookups, userOptions, workspaceOptions } from '../../admin/lookups';
import { MintedBadge, ScopeBadges, TimeAgo } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, QueryState } from '../../components/feedback';
import { ClearFiltersButton, LoadMoreButton } from '../../components/lists';
import { IconBan } from '../../components/icons';
import { plural } from '../../lib/format';
import { useSearchFilters } from '../../lib/use-search-filters';

const FILTERS = ['user', 'app', 'workspace', 'status', 'group'] as const;

function groupKey(c: Connection, by: 'user' | 'app'): { key: string; label: string } {
  if (by === 'user') return { key: c.userId ?? `bot:${c.appId}`, label: c.userName ? `${c.userName} (${c.userEmail})` : `${c.appName ?? 'app'} bot (no user)` };
  return { key: c.appId ?? 'none', label: c.appName ?? c.appId ?? 'unknown app' };
}

function RevokeConnection({ connection }: { connection: Connection }) {
  const revoke = useAdminMutation('connections.revoke');
  return (
    <ConfirmButton
      label="Revoke"
      icon={<IconBan size={14} />}
      size="xs"
      title="Revoke this connection?"
      confirmLabel="Revoke connection"
      disabled={connection.revokedAt !== null}
      action={() => revoke.mutateAsync({ id: connection.id })}
      onDone={(r) =>
        notifications.show({ color: 'teal', title: 'Connection revoked', message: `${plural((r as { revokedTokens: number }).revokedTokens, 'token')} revoked with it.` })
      }
    >
      <Text size="sm">
        {connection.appName ?? 'The app'} loses access to {connection.userName ?? 'its bot identity'}
        {connection.workspaceName ? ` in ${connection.workspaceName}` : ''}: every token of the connection dies at once, and the next sign-in asks for consent
        again.
      </Text>
    </ConfirmButton>
  );
}

/**
 * Connections (consent grants), grouped per user or per app, with revoke.
 * On an app's page the app is fixed.
 */
export function ConnectionsPanel({ fixed = {} }: { fixed?: { appId?: string } }) {
  const { values, set, clear } = useSearchFilters(FILTERS);
  const lookups = useLookups();
  const groupBy = (values.group === 'app' ? 'app' : 'user') as 'user' | 'app';
  const status = (values.status ?? 'active') as 'active' | 'revoked' | 'all';
  const connections = useAdminPagedQuery('connections.list', {
    userId: values.user,
    appId: fixed.appId ?? values.app,
    workspaceId: values.workspace,
    status,
    limit: 100,
  });
  const groups = new Map<string, { label: string; items: Connection[] }>();
  for (const c of connections.items) {
    const { key, label } = groupKey(c, groupBy);
    const group = groups.get(key) ?? { label, items: [] };
    group.items.push(c);
    groups.set(key, group);
  }
  const filtered = Boolean(values.user || values.app || values.workspace || values.status);

  return (
    <Stack>
      <Group gap="sm" align="flex-end" wrap="wrap">
        {fixed.appId ? null : (
          <div>
            <Text size="sm" fw={500} mb={2} id="group-by-label">
              Group by
            </Text>
            <SegmentedControl
              aria-labelledby="group-by-label"
              value={groupBy}
              onChange={(v) => set('group', v === 'user' ? null : v)}
              data={[
                { value: 'user', label: 'User' },
                { value: 'app', label: 'App' },
              ]}
            />
          </div>
        )}
        <Select label="User" placeholder="Any" data={userOptions(lookups.users)} value={values.user ?? null} onChange={(v) => set('user', v)} clearable searchable w={230} />
        {fixed.appId ? null : (
          <Select label="App" placeholder="Any" data={appOptions(lookups.apps)} value={values.app ?? null} onChange={(v) => set('app', v)} clearable searchable w={190} />
        )}
        <Select label="Workspace" placeholder="Any" data={workspaceOptions(lookups.workspaces)} value={values.workspace ?? null} onChange={(v) => set('workspace', v)} clearable w={180} />
        <Select
          label="Status"
          data={[
            { value: 'active', label: 'Active' },
            { value: 'revoked', label: 'Revoked' },
            { value: 'all', label: 'All' },
          ]}
          value={status}
          onChange={(v) => set('status', v === 'active' ? null : v)}
          allowDeselect={false}
          w={130}
        />
        <ClearFiltersButton shown={filtered} onClear={clear} />
      </Group>
      <QueryState
        query={connections}
        isEmpty={connections.items.length === 0}
        empty={
          <Empty
            title={filtered ? 'No connection matches' : 'No connections yet'}
            description={filtered ? 'Change or clear the filters.' : 'A connection appears when a user approves an app (or an app gets a token for its bot).'}
          />
        }
      >
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" highlightOnHover data-actions>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{groupBy === 'user' ? 'App' : 'User'}</Table.Th>
                <Table.Th>Workspace</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Connected</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Tokens</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...groups.entries()].map(([key, group]) => (
                <Fragment key={key}>
                  <Table.Tr bg="var(--mantine-color-default-hover)">
                    <Table.Td colSpan={8}>
                      <Text fw={700} size="sm">
                        {group.label}{' '}
                        <Text span c="dimmed" size="sm" fw={400}>
                          · {plural(group.items.length, 'connection')}
                        </Text>
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                  {group.items.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Text size="sm">{groupBy === 'user' ? (c.appName ?? c.appId) : (c.userName ?? 'bot (no user)')}</Text>
                        {c.revokedAt !== null ? (
                          <Badge size="xs" color="red" variant="light">
                            revoked
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{c.workspaceName ?? '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Badge size="sm" variant="outline" color="gray">
                            {c.actor ?? '—'}
                          </Badge>
                          {c.minted ? <MintedBadge /> : null}
                        </Group>
                      </Table.Td>
                      <Table.Td maw={280}>
                        <ScopeBadges scopes={c.scopes} max={3} />
                      </Table.Td>
                      <Table.Td>
                        <TimeAgo at={c.createdAt} />
                      </Table.Td>
                      <Table.Td>
                        <TimeAgo at={c.lastUsedAt} empty="never" />
                      </Table.Td>
                      <Table.Td>
                        <Button component={Link} to={`/tokens?grant=${encodeURIComponent(c.id)}`} variant="subtle" size="compact-sm">
                          {plural(c.activeTokens, 'live token')}
                        </Button>
                      </Table.Td>
                      <Table.Td>
                        <RevokeConnection connection={c} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <LoadMoreButton query={connections} />
      </QueryState>
    </Stack>
  );
}
