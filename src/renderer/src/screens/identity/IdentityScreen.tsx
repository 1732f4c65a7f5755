import { Card, Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { UsersTab } from './UsersTab';
import { WorkspacesTab } from './WorkspacesTab';

/** Test identities and the workspaces they belong to, with roles. */
export function IdentityScreen() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'workspaces' ? 'workspaces' : 'users';
  return (
    <>
      <PageHeader
        title="Users & workspaces"
        description="The test identities the sign-in page offers, their roles (OWNER, ADMIN, MEMBER) and workspaces. A role limits what a user can consent to."
      />
      <Tabs value={tab} onChange={(v) => setParams(v === 'workspaces' ? { tab: 'workspaces' } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="workspaces">Workspaces</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users">
          <Card withBorder padding="md">
            <UsersTab />
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="workspaces">
          <Card withBorder padding="md">
            <WorkspacesTab />
          </Card>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
