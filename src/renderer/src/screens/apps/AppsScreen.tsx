import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { APP_ORIGINS, CLIENT_TYPES } from '../../../../shared/contract';
import { useAdminPagedQuery } from '../../admin/hooks';
import { useLookups, workspaceOptions } from '../../admin/lookups';
import { AppOriginBadge, ConsentPolicyBadge, TimeAgo } from '../../components/badges';
import { CopyValue } from '../../components/copy';
import { Empty, QueryState } from '../../components/feedback';
import { ClearFiltersButton, LoadMoreButton } from '../../components/lists';
import { IconPlus, IconSearch } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { Truncated } from '../../components/Truncated';
import { useSearchFilters } from '../../lib/use-search-filters';
import { useSearchText } from '../../lib/use-search-text';

const FILTERS = ['q', 'workspace', 'type', 'origin', 'env'] as const;

/** Every app, newest first, with search and filters. */
export function AppsScreen() {
  const navigate = useNavigate();
  const searchFilters = useSearchFilters(FILTERS);
  const { values, set } = searchFilters;
  const { search, setSearch, clear } = useSearchText(searchFilters, 'q', 250);
  const lookups = useLookups();
  const apps = useAdminPagedQuery('apps.list', {
    search: values.q,
    workspaceId: values.workspace,
    clientType: values.type as (typeof CLIENT_TYPES)[number] | undefined,
    origin: values.origin as (typeof APP_ORIGINS)[number] | undefined,
    environment: values.env,
    limit: 50,
  });
  const filtered = Object.values(values).some(Boolean);
  const environments = [...new Set(['development', 'staging', 'production', ...lookups.apps.map((a) => a.environment)])];

  return (
    <>
      <PageHeader
        title="Apps"
        description="OAuth clients registered on this server: from the console, the REST API, dynamic registration, or the seed."
        actions={
          <Button component={Link} to="/apps/new" leftSection={<IconPlus size={16} />}>
            New app
          </Button>
        }
      />
      <Card withBorder padding="md">
        <Stack>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              label="Search"
              placeholder="Name, client id or description"
              leftSection={<IconSearch size={16} />}
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
              w={280}
            />
            <Select label="Workspace" placeholder="Any" data={workspaceOptions(lookups.workspaces)} value={values.workspace ?? null} onChange={(v) => set('workspace', v)} clearable w={180} />
            <Select label="Type" placeholder="Any" data={[...CLIENT_TYPES]} value={values.type ?? null} onChange={(v) => set('type', v)} clearable w={150} />
            <Select label="Origin" placeholder="Any" data={[...APP_ORIGINS]} value={values.origin ?? null} onChange={(v) => set('origin', v)} clearable w={140} />
            <Select label="Environment" placeholder="Any" data={environments} value={values.env ?? null} onChange={(v) => set('env', v)} clearable w={160} />
            <ClearFiltersButton shown={filtered} onClear={clear} />
          </Group>
          <QueryState
            query={apps}
            isEmpty={apps.items.length === 0}
            empty={
              filtered ? (
                <Empty title="No app matches" description="Change the search or clear the filters." />
              ) : (
                <Empty title="No apps yet" description="Register your first OAuth client." action={<Button component={Link} to="/apps/new">New app</Button>} />
              )
            }
          >
            <Table.ScrollContainer minWidth={680}>
              <Table highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>App</Table.Th>
                    <Table.Th>Client ID</Table.Th>
                    <Table.Th>Type</Table.Th>
                    {/* Below 1200 px the workspace column gives its room to Consent and Created (the filter above still has it). */}
                    <Table.Th visibleFrom="lg">Workspace</Table.Th>
                    <Table.Th>Consent</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {apps.items.map((app) => (
                    <Table.Tr
                      key={app.id}
                      className="clickable-row"
                      // The row opens on a click anywhere; from the keyboard its one stop is the name's link.
                      onClick={(e) => {
                        if ((e.target as HTMLElement).closest('button, a')) return;
                        navigate(`/apps/${encodeURIComponent(app.id)}`);
                      }}
                    >
                      <Table.Td maw={260}>
                        <Group gap="xs" wrap="nowrap">
                          <Tooltip label={app.name} withArrow multiline maw={420} openDelay={300}>
                            <Text
                              fw={600}
                              component={Link}
                              to={`/apps/${encodeURIComponent(app.id)}`}
                              c="inherit"
                              truncate="end"
                              style={{ textDecoration: 'none', minWidth: 0 }}
                              aria-label={`Open ${app.name}`}
                            >
                              {app.name}
                            </Text>
                          </Tooltip>
                          <Badge size="xs" variant="light" color="gray" style={{ flex: 'none' }}>
                            {app.environment}
                          </Badge>
                          <AppOriginBadge app={app} />
                        </Group>
                        {app.description ? (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {app.description}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td maw={170}>
                        <CopyValue value={app.id} label={`client id of ${app.name}`} truncate />
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={app.clientType === 'confidential' ? 'indigo' : 'cyan'} size="sm">
                          {app.clientType}
                        </Badge>
                      </Table.Td>
                      <Table.Td visibleFrom="lg">
                        <Truncated text={lookups.workspaceName(app.workspaceId) ?? app.workspaceId} maw={140} />
                      </Table.Td>
                      <Table.Td>
                        <ConsentPolicyBadge policy={app.effectiveConsentPolicy} inherited={app.consentPolicy === null} />
                      </Table.Td>
                      <Table.Td>
                        <TimeAgo at={app.createdAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <LoadMoreButton query={apps} />
          </QueryState>
        </Stack>
      </Card>
    </>
  );
}
