import { useState } from 'react';
import { Button, Group, Modal, Select, Stack, Switch, Table, Tabs, Text, TextInput } from '@mantine/core';
import { SideDrawer } from '../../components/SideDrawer';
import { notifications } from '@mantine/notifications';
import { apiKeysCreateInput, workspacesCreateInput, workspacesUpdateInput, type Workspace } from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { useLookups, userOptions } from '../../admin/lookups';
import { TimeAgo } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, ErrorAlert, QueryState } from '../../components/feedback';
import { IconAction } from '../../components/IconAction';
import { IconBan, IconKey, IconPencil, IconPlus, IconTrash, IconUsers } from '../../components/icons';
import { SecretOnceDialog } from '../../components/SecretOnceDialog';
import { plural } from '../../lib/format';
import { FormAttention } from '../../components/FormAttention';
import { useContractForm } from '../../lib/use-contract-form';
import { MembershipsEditor } from './MembershipsEditor';

const WORKSPACE_LABELS = { name: 'Name', slug: 'Slug' };

function WorkspaceFormModal({ workspace, onClose }: { workspace: Workspace | null; onClose: () => void }) {
  const create = useAdminMutation('workspaces.create');
  const update = useAdminMutation('workspaces.update');
  const { form, root, onSubmit, failure, labels } = useContractForm({
    // The id is not edited here: workspaces.update's input without it, the id added when sending.
    schema: workspace ? workspacesUpdateInput.omit({ id: true }) : workspacesCreateInput,
    toInput: (values: { name: string; slug: string }) => ({ name: values.name, ...(values.slug.trim() ? { slug: values.slug.trim() } : {}) }),
    labels: WORKSPACE_LABELS,
    initialValues: { name: workspace?.name ?? '', slug: workspace?.slug ?? '' },
    send: (input) => (workspace ? update.mutateAsync({ ...input, id: workspace.id }) : create.mutateAsync(input)),
    onSuccess: onClose,
  });
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>{workspace ? `Edit ${workspace.name}` : 'New workspace'}</Text>} centered>
      <form ref={root} noValidate onSubmit={onSubmit}>
        <Stack>
          <TextInput label={labels.name} withAsterisk {...form.getInputProps('name')} data-autofocus />
          <TextInput label={labels.slug} description={workspace ? undefined : 'Derived from the name when empty'} {...form.getInputProps('slug')} />
          <FormAttention errors={form.errors} labels={labels} />
          {failure ? <ErrorAlert error={failure} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {workspace ? 'Save' : 'Create workspace'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const API_KEY_LABELS = { name: 'New key name', createdBy: 'For user' };

/** Workspace API keys (for the management REST API): create (shown once), list by hint, revoke. */
function ApiKeys({ workspace }: { workspace: Workspace }) {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const keys = useAdminQuery('apiKeys.list', { workspaceId: workspace.id, includeRevoked });
  const lookups = useLookups();
  const create = useAdminMutation('apiKeys.create');
  const revoke = useAdminMutation('apiKeys.revoke');
  const [secret, setSecret] = useState<string | null>(null);
  const { form, root, onSubmit, failure, labels } = useContractForm({
    schema: apiKeysCreateInput,
    toInput: (values: { name: string; createdBy: string | null }) => ({ workspaceId: workspace.id, name: values.name, ...(values.createdBy ? { createdBy: values.createdBy } : {}) }),
    labels: API_KEY_LABELS,
    initialValues: { name: '', createdBy: null },
    send: (input) => create.mutateAsync(input),
    onSuccess: (created, keyForm) => {
      setSecret(created.key);
      keyForm.reset();
    },
  });
  const items = keys.data?.items ?? [];
  return (
    <Stack>
      <form ref={root} noValidate onSubmit={onSubmit}>
        <Group align="flex-end" gap="sm">
          <TextInput label={labels.name} {...form.getInputProps('name')} style={{ flex: 1 }} />
          <Select
            label={labels.createdBy}
            placeholder="optional"
            data={userOptions(lookups.users.filter((u) => u.memberships.some((m) => m.workspaceId === workspace.id)))}
            {...form.getInputProps('createdBy')}
            clearable
            w={200}
          />
          <Button type="submit" leftSection={<IconKey size={16} />} disabled={!form.values.name.trim()} loading={form.submitting}>
            Create key
          </Button>
        </Group>
      </form>
      {failure ? <ErrorAlert error={failure} /> : null}
      <Switch label="Show revoked keys" checked={includeRevoked} onChange={(e) => setIncludeRevoked(e.currentTarget.checked)} />
      <QueryState query={keys} isEmpty={items.length === 0} empty={<Empty title="No API keys" description="Keys authenticate the management REST API for this workspace." />}>
        <Table verticalSpacing={6} data-actions>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Ends with</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>
                  <Text size="sm" td={k.revokedAt ? 'line-through' : undefined}>
                    {k.name}
                  </Text>
                  {k.createdBy ? (
                    <Text size="xs" c="dimmed">
                      for {lookups.userLabel(k.createdBy) ?? k.createdBy}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <code>…{k.hint}</code>
                </Table.Td>
                <Table.Td>
                  <TimeAgo at={k.createdAt} />
                </Table.Td>
                <Table.Td>
                  <TimeAgo at={k.lastUsedAt} empty="never" />
                </Table.Td>
                <Table.Td>
                  {k.revokedAt ? (
                    <Text size="xs" c="red">
                      revoked
                    </Text>
                  ) : (
                    <ConfirmButton
                      iconOnly
                      icon={<IconBan size={16} />}
                      label={`Revoke key ${k.name}`}
                      title={`Revoke the key ${k.name}?`}
                      confirmLabel="Revoke key"
                      action={() => revoke.mutateAsync({ id: k.id })}
                    >
                      <Text size="sm">Scripts using this key get 401 from the management API at once.</Text>
                    </ConfirmButton>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
      <SecretOnceDialog secret={secret} kind="API key" owner={workspace.name} onClose={() => setSecret(null)} />
    </Stack>
  );
}

/** Workspaces: create, rename, remove; members and roles; API keys. */
export function WorkspacesTab() {
  const workspaces = useAdminQuery('workspaces.list', {});
  const remove = useAdminMutation('workspaces.remove');
  const [editing, setEditing] = useState<Workspace | 'new' | null>(null);
  const [open, setOpen] = useState<{ workspace: Workspace; tab: string } | null>(null);
  const items = workspaces.data?.items ?? [];
  return (
    <Stack>
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          New workspace
        </Button>
      </Group>
      <QueryState query={workspaces} isEmpty={items.length === 0} empty={<Empty title="No workspaces" description="Apps and members live in workspaces." />}>
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" highlightOnHover data-actions>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Workspace</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th>Apps</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {w.name}
                    </Text>
                    <Text size="xs" c="dimmed" className="mono">
                      {w.slug} · {w.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button variant="subtle" size="compact-sm" onClick={() => setOpen({ workspace: w, tab: 'members' })}>
                      {plural(w.memberCount, 'member')}
                    </Button>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{w.appCount}</Text>
                  </Table.Td>
                  <Table.Td>
                    <TimeAgo at={w.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={2} justify="flex-end" wrap="nowrap">
                      <IconAction tooltip="Members and roles" label={`Members of ${w.name}`} icon={<IconUsers size={16} />} onClick={() => setOpen({ workspace: w, tab: 'members' })} />
                      <IconAction tooltip="API keys" label={`API keys of ${w.name}`} icon={<IconKey size={16} />} onClick={() => setOpen({ workspace: w, tab: 'keys' })} />
                      <IconAction tooltip="Rename" label={`Rename ${w.name}`} icon={<IconPencil size={16} />} onClick={() => setEditing(w)} />
                      <ConfirmButton
                        iconOnly
                        icon={<IconTrash size={16} />}
                        label={`Remove ${w.name}`}
                        title={`Remove ${w.name}?`}
                        confirmLabel="Remove workspace"
                        typeToConfirm="delete"
                        action={() => remove.mutateAsync({ id: w.id })}
                        onDone={(r) => {
                          const result = r as { removedApps: number; revokedTokens: number };
                          notifications.show({
                            color: 'teal',
                            title: 'Workspace removed',
                            message: `${plural(result.removedApps, 'app')} deleted, ${plural(result.revokedTokens, 'token')} revoked.`,
                          });
                        }}
                      >
                        <Text size="sm">
                          The workspace goes with its {plural(w.appCount, 'app')}, API keys and {plural(w.memberCount, 'membership')}. Every live token of those apps is
                          revoked. Users themselves stay.
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
      {editing !== null ? <WorkspaceFormModal workspace={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
      <SideDrawer opened={open !== null} onClose={() => setOpen(null)} size="xl" title={open?.workspace.name}>
        {open ? (
          <Tabs value={open.tab} onChange={(v) => setOpen({ ...open, tab: v ?? 'members' })} keepMounted={false}>
            <Tabs.List mb="md">
              <Tabs.Tab value="members">Members and roles</Tabs.Tab>
              <Tabs.Tab value="keys">API keys</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="members">
              <MembershipsEditor workspaceId={open.workspace.id} />
            </Tabs.Panel>
            <Tabs.Panel value="keys">
              <ApiKeys workspace={open.workspace} />
            </Tabs.Panel>
          </Tabs>
        ) : null}
      </SideDrawer>
    </Stack>
  );
}
