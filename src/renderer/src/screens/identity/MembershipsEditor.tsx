import { useState } from 'react';
import { Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ROLES, type Membership, type Role } from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { useLookups } from '../../admin/lookups';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, ErrorAlert, QueryState } from '../../components/feedback';
import { IconTrash, IconUserPlus } from '../../components/icons';

const ROLE_HELP: Record<Role, string> = {
  OWNER: 'Manages the workspace and its apps',
  ADMIN: 'Manages apps and members',
  MEMBER: 'Uses apps; reviews and revokes own connections',
};

function RoleSelect({ membership }: { membership: Membership }) {
  const update = useAdminMutation('memberships.update', {
    onSuccess: (_membership, input) => notifications.show({ color: 'teal', title: 'Role changed', message: `${membership.userName} is ${input.role} in ${membership.workspaceName} now.` }),
    onError: (err) => notifications.show({ color: 'red', title: 'Role not changed', message: err.message }),
  });
  return (
    <Select
      aria-label={`Role of ${membership.userName} in ${membership.workspaceName}`}
      data={ROLES.map((r) => ({ value: r, label: r }))}
      value={membership.role}
      onChange={(v) => v && v !== membership.role && update.mutate({ workspaceId: membership.workspaceId, userId: membership.userId, role: v as Role })}
      allowDeselect={false}
      disabled={update.isPending}
      w={130}
      size="xs"
    />
  );
}

/**
 * Memberships of one user (pick workspaces) or of one workspace (pick
 * users): change roles, remove, add. The server keeps one OWNER per
 * workspace and says so when a change would break that.
 */
export function MembershipsEditor(props: { userId: string } | { workspaceId: string }) {
  const byUser = 'userId' in props;
  const memberships = useAdminQuery('memberships.list', byUser ? { userId: props.userId } : { workspaceId: props.workspaceId });
  const lookups = useLookups();
  const add = useAdminMutation('memberships.create', {
    onSuccess: (m) => notifications.show({ color: 'teal', title: 'Member added', message: `${m.userName} is ${m.role} in ${m.workspaceName} now.` }),
  });
  const remove = useAdminMutation('memberships.remove');
  const [other, setOther] = useState<string | null>(null);
  const [role, setRole] = useState<Role>('MEMBER');
  const items = memberships.data?.items ?? [];
  const taken = new Set(items.map((m) => (byUser ? m.workspaceId : m.userId)));
  const candidates = byUser
    ? lookups.workspaces.filter((w) => !taken.has(w.id)).map((w) => ({ value: w.id, label: w.name }))
    : lookups.users.filter((u) => !taken.has(u.id)).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }));

  return (
    <Stack>
      <QueryState
        query={memberships}
        isEmpty={items.length === 0}
        empty={<Empty title={byUser ? 'Not in any workspace' : 'No members'} description={byUser ? 'Add the user to a workspace below.' : 'Add a user below.'} />}
      >
        <Table verticalSpacing={6} data-actions>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{byUser ? 'Workspace' : 'User'}</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((m) => (
              <Table.Tr key={`${m.workspaceId}:${m.userId}`}>
                <Table.Td>
                  {byUser ? (
                    <Text size="sm">{m.workspaceName}</Text>
                  ) : (
                    <>
                      <Text size="sm">{m.userName}</Text>
                      <Text size="xs" c="dimmed">
                        {m.userEmail}
                      </Text>
                    </>
                  )}
                </Table.Td>
                <Table.Td>
                  <RoleSelect membership={m} />
                </Table.Td>
                <Table.Td>
                  <ConfirmButton
                    iconOnly
                    icon={<IconTrash size={16} />}
                    label={`Remove ${m.userName} from ${m.workspaceName}`}
                    title={`Remove ${m.userName} from ${m.workspaceName}?`}
                    confirmLabel="Remove"
                    action={() => remove.mutateAsync({ workspaceId: m.workspaceId, userId: m.userId })}
                    onDone={() => notifications.show({ color: 'teal', title: 'Member removed', message: `${m.userName} is no longer in ${m.workspaceName}.` })}
                  >
                    <Text size="sm">They can no longer consent to apps in this workspace. Existing tokens keep working until revoked or expired.</Text>
                  </ConfirmButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
      <Group align="flex-end" gap="sm">
        <Select
          label={byUser ? 'Add to workspace' : 'Add user'}
          data={candidates}
          value={other}
          onChange={setOther}
          searchable
          style={{ flex: 1 }}
          nothingFoundMessage="Nothing left to add"
        />
        <Select
          label="Role"
          data={ROLES.map((r) => ({ value: r, label: r, description: ROLE_HELP[r] }))}
          value={role}
          onChange={(v) => setRole((v ?? 'MEMBER') as Role)}
          allowDeselect={false}
          w={130}
        />
        <Button
          leftSection={<IconUserPlus size={16} />}
          disabled={!other}
          loading={add.isPending}
          onClick={() =>
            other &&
            add.mutate(byUser ? { userId: props.userId, workspaceId: other, role } : { workspaceId: props.workspaceId, userId: other, role }, {
              onSuccess: () => setOther(null),
            })
          }
        >
          Add
        </Button>
      </Group>
      {add.error ? <ErrorAlert error={add.error} /> : null}
    </Stack>
  );
}
