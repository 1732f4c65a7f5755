import { useState } from 'react';
import { Anchor } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link, useNavigate } from 'react-router';
import type { App, AppsCreateInput } from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { Empty, QueryState } from '../../components/feedback';
import { PageHeader } from '../../components/PageHeader';
import { SecretOnceDialog } from '../../components/SecretOnceDialog';
import { emptyAppForm } from './app-form-model';
import { AppForm } from './AppForm';

export function AppCreateScreen() {
  const navigate = useNavigate();
  const workspaces = useAdminQuery('workspaces.list', {});
  const create = useAdminMutation('apps.create');
  const [created, setCreated] = useState<{ app: App; secret: string } | null>(null);
  const list = workspaces.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="New app"
        description={
          <>
            Register a client. Confidential apps get a secret, shown once. <Anchor component={Link} to="/apps" size="sm">Back to apps</Anchor>
          </>
        }
      />
      <QueryState
        query={workspaces}
        isEmpty={list.length === 0}
        empty={<Empty title="No workspace yet" description="Every app belongs to a workspace: create one first." action={<Anchor component={Link} to="/identity?tab=workspaces">Workspaces</Anchor>} />}
      >
        <AppForm
          mode="create"
          initialValues={emptyAppForm(list[0]?.id ?? '')}
          workspaces={list}
          onCancel={() => navigate('/apps')}
          onSubmit={async (input) => {
            const result = await create.mutateAsync(input as AppsCreateInput);
            if (result.clientSecret) setCreated({ app: result.app, secret: result.clientSecret });
            else {
              notifications.show({ color: 'teal', title: 'App created', message: `${result.app.name} is a public client: it has no secret.` });
              navigate(`/apps/${encodeURIComponent(result.app.id)}`);
            }
          }}
        />
      </QueryState>
      <SecretOnceDialog
        secret={created?.secret ?? null}
        kind="client secret"
        owner={created?.app.name}
        extras={created ? [{ label: 'Client ID', value: created.app.id }] : []}
        onClose={() => {
          const id = created?.app.id;
          setCreated(null);
          if (id) navigate(`/apps/${encodeURIComponent(id)}`);
        }}
      />
    </>
  );
}
