import { Card } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader';
import { ConnectionsPanel } from './ConnectionsPanel';

/** Who connected which app, per user and per app, with revoke. */
export function ConnectionsScreen() {
  return (
    <>
      <PageHeader
        title="Connections"
        description="A connection is a user's consent to an app in a workspace (or an app's bot grant). Revoking one kills every token issued under it."
      />
      <Card withBorder padding="md">
        <ConnectionsPanel />
      </Card>
    </>
  );
}
