import { useState } from 'react';
import { Avatar, Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { SideDrawer } from '../../components/SideDrawer';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import type { User } from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, QueryState } from '../../components/feedback';
import { IconAction } from '../../components/IconAction';
import { IconPencil, IconPlus, IconSearch, IconTrash, IconUsers } from '../../components/icons';
import { plural } from '../../lib/format';
import { MembershipsEditor } from './MembershipsEditor';
import { UserFormModal } from './UserFormModal';

const ROLE_COLORS = { OWNER: 'grape', ADMIN: 'indigo', MEMBER: 'gray' } as const;

/** Test identities: who can sign in on the sign-in page, their groups and workspace roles. */
export function UsersTab() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const users = useAdminQuery('users.list', debounced.trim() ? { search: debounced.trim() } : {});
  const remove = useAdminMutation('users.remove');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [membershipsOf, setMembershipsOf] = useState<User | null>(null);
  const items = users.data?.items ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <TextInput placeholder="Search name or email" aria-label="Search users" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={300} />
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          New user
        </Button>
      </Group>
      <QueryState
        query={users}
        isEmpty={items.length === 0}
        empty={<Empty title={debounced ? 'No user matches' : 'No test users'} description={debounced ? 'Try another search.' : 'Create a user to sign in with.'} />}
      >
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing="sm" highlightOnHover data-actions>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Workspaces and roles</Table.Th>
                <Table.Th>Groups</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      <Avatar src={u.picture} name={u.name} color="initials" radius="xl" size="md" />
                      <div>
                        <Text size="sm" fw={600}>
                          {u.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {u.email}
                        </Text>
                      </div>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {u.memberships.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          none
                        </Text>
                      ) : (
                        u.memberships.map((m) => (
                          <Badge key={m.workspaceId} variant="light" color={ROLE_COLORS[m.role]} tt="none">
                            {m.workspaceName}: {m.role}
                          </Badge>
                        ))
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{u.groups.join(', ') || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={2} justify="flex-end" wrap="nowrap">
                      <IconAction tooltip="Workspaces and roles" label={`Workspaces and roles of ${u.name}`} icon={<IconUsers size={16} />} onClick={() => setMembershipsOf(u)} />
                      <IconAction tooltip="Edit" label={`Edit ${u.name}`} icon={<IconPencil size={16} />} onClick={() => setEditing(u)} />
                      <ConfirmButton
                        iconOnly
                        icon={<IconTrash size={16} />}
                        label={`Remove ${u.name}`}
                        title={`Remove ${u.name}?`}
                        confirmLabel="Remove user"
                        action={() => remove.mutateAsync({ id: u.id })}
                        onDone={(r) =>
                          notifications.show({ color: 'teal', title: 'User removed', message: `${plural((r as { revokedTokens: number }).revokedTokens, 'token')} revoked.` })
                        }
                      >
                        <Text size="sm">
                          {u.email} can no longer sign in; their memberships go and every token and connection of theirs is revoked.
                        </Text>
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
      {editing !== null ? <UserFormModal opened user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      <SideDrawer opened={membershipsOf !== null} onClose={() => setMembershipsOf(null)} size="lg" title={`${membershipsOf?.name ?? ""}: workspaces and roles`}>
        {membershipsOf ? <MembershipsEditor userId={membershipsOf.id} /> : null}
      </SideDrawer>
    </Stack>
  );
}
