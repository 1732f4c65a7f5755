import { useEffect, useState } from 'react';
import { Badge, Button, Card, Code, Group, Menu, Select, SimpleGrid, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { SideDrawer } from '../../components/SideDrawer';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { EVENT_LEVELS, type ActivityEvent, type AdminError, type ProcedureOutput } from '../../../../shared/contract';
import { summarizeEvent } from '../../../../shared/event-summaries';
import { eventGroups } from '../../../../shared/events';
import { adminKey, useAdmin } from '../../admin/hooks';
import { appOptions, useLookups, userOptions } from '../../admin/lookups';
import { Field } from '../../components/copy';
import { Empty, QueryState } from '../../components/feedback';
import { ClearFiltersButton, LoadMoreButton } from '../../components/lists';
import { IconDownload, IconPause, IconPlay, IconSearch } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { Truncated } from '../../components/Truncated';
import { actorLabel, download, fetchAllActivity, toCsv, toJsonLines, type ExportFormat } from '../../lib/activity-export';
import { formatDateTime, formatTime, shortId } from '../../lib/format';
import { useSearchFilters } from '../../lib/use-search-filters';
import { useSearchText } from '../../lib/use-search-text';

const FILTERS = ['type', 'level', 'app', 'user', 'q', 'from', 'to'] as const;

/** The Type filter: one choice per group of the event catalog (src/shared/events.ts). */
const TYPE_GROUPS = eventGroups().map(({ value, label }) => ({ value, label }));

const LEVEL_COLORS = { info: 'gray', warn: 'orange', error: 'red' } as const;

/** A `datetime-local` value (the user's local time) as ms, or undefined when empty or invalid. */
function localTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** Who did it: the console or the API (and its principal) for admin changes, else the user or app the event is about. */
function ActorCell({ event, names }: { event: ActivityEvent; names: ReturnType<typeof useLookups> }) {
  const actor = actorLabel(event);
  if (actor) return <Truncated text={actor} maw={130} />;
  const user = names.userLabel(event.accountId);
  return user ? (
    <Truncated text={user} maw={130} c="dimmed" />
  ) : (
    <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
      {event.clientId ? 'the app' : 'the server'}
    </Text>
  );
}

function ExportMenu({ filters }: { filters: Parameters<typeof fetchAllActivity>[1] }) {
  const { connection } = useAdmin();
  const [progress, setProgress] = useState<number | null>(null);
  const run = async (format: ExportFormat) => {
    setProgress(0);
    try {
      const events = await fetchAllActivity(connection.client, filters, setProgress);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      if (format === 'csv') download(`activity-${stamp}.csv`, toCsv(events), 'text/csv;charset=utf-8');
      else download(`activity-${stamp}.jsonl`, toJsonLines(events), 'application/x-ndjson');
      notifications.show({ color: 'teal', title: 'Exported', message: `${events.length} event${events.length === 1 ? '' : 's'} of the current filter.` });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Export failed', message: (err as Error).message });
    } finally {
      setProgress(null);
    }
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" leftSection={<IconDownload size={16} />} loading={progress !== null}>
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Every event of the current filter</Menu.Label>
        <Menu.Item onClick={() => void run('jsonl')}>JSON lines (.jsonl)</Menu.Item>
        <Menu.Item onClick={() => void run('csv')}>CSV (.csv)</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function EventDetail({ event, names }: { event: ActivityEvent; names: ReturnType<typeof useLookups> }) {
  return (
    <Stack>
      <SimpleGrid cols={2}>
        <Field label="When">
          <Text size="sm">{formatDateTime(event.at)}</Text>
        </Field>
        <Field label="Level">
          <Badge color={LEVEL_COLORS[event.level]} variant="light">
            {event.level}
          </Badge>
        </Field>
        <Field label="Type">
          <Text className="event-type">{event.type}</Text>
        </Field>
        <Field label="Event id">
          <Text size="sm">{event.id}</Text>
        </Field>
        <Field label="App">
          {event.clientId ? (
            <Text size="sm" component={Link} to={`/apps/${encodeURIComponent(event.clientId)}`} c="var(--mantine-color-anchor)">
              {names.appName(event.clientId) ?? event.appName ?? event.clientId}
            </Text>
          ) : (
            <Text size="sm">—</Text>
          )}
        </Field>
        <Field label="User">
          <Text size="sm">{names.userLabel(event.accountId) ?? event.accountId ?? '—'}</Text>
        </Field>
        <Field label="Workspace">
          <Text size="sm">{names.workspaceName(event.workspaceId) ?? event.workspaceId ?? '—'}</Text>
        </Field>
        <Field label="Done by">
          <Text size="sm">{actorLabel(event) || (event.accountId ? 'the user' : event.clientId ? 'the app' : 'the server')}</Text>
        </Field>
      </SimpleGrid>
      <Field label="What happened">
        <Text size="sm">{summarizeEvent(event.type, event.detail)}</Text>
      </Field>
      <Field label="Details (credentials are redacted before they are stored)">
        <Code block className="wrapped-json">
          {JSON.stringify(event.detail, null, 2)}
        </Code>
      </Field>
      <Group>
        {event.clientId ? (
          <Button component={Link} to={`/tokens?app=${encodeURIComponent(event.clientId)}`} variant="default" size="xs">
            Tokens of this app
          </Button>
        ) : null}
        {event.accountId ? (
          <Button component={Link} to={`/activity?user=${encodeURIComponent(event.accountId)}`} variant="default" size="xs">
            Activity of this user
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}

type ActivityPage = ProcedureOutput<'activity.list'>;

/** The event log, following live: new events arrive on their own; pause to read. */
export function ActivityScreen() {
  const { connection } = useAdmin();
  const lookups = useLookups();
  const searchFilters = useSearchFilters(FILTERS);
  const { values, set } = searchFilters;
  const { search, setSearch, clear } = useSearchText(searchFilters, 'q', 300);
  const [paused, setPaused] = useState<ActivityEvent[] | null>(null);
  const [selected, setSelected] = useState<ActivityEvent | null>(null);
  const filters = {
    ...(values.type ? { types: [values.type] } : {}),
    ...(values.level ? { level: values.level as (typeof EVENT_LEVELS)[number] } : {}),
    ...(values.app ? { appId: values.app } : {}),
    ...(values.user ? { userId: values.user } : {}),
    ...(values.q ? { search: values.q } : {}),
    ...(localTime(values.from) !== undefined ? { from: localTime(values.from) } : {}),
    ...(localTime(values.to) !== undefined ? { to: localTime(values.to) } : {}),
  };
  const events = useInfiniteQuery<ActivityPage, AdminError>({
    queryKey: [...adminKey('activity.list', filters), 'paged'],
    queryFn: ({ pageParam }) => connection.client.activity.list({ ...filters, limit: 100, ...(pageParam ? { beforeId: pageParam as number } : {}) }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextBeforeId,
  });
  const live = events.data?.pages.flatMap((p) => p.items) ?? [];
  const shown = paused ?? live;
  const newSincePause = paused ? live.filter((e) => e.id > (paused[0]?.id ?? 0)).length : 0;

  // Rows that arrived after the screen opened get a brief highlight.
  const [firstSeen, setFirstSeen] = useState<number | null>(null);
  const newestId = live[0]?.id ?? 0;
  const loaded = events.data !== undefined;
  useEffect(() => {
    if (loaded) setFirstSeen((seen) => seen ?? newestId);
  }, [loaded, newestId]);
  const filtered = Object.values(values).some(Boolean);

  return (
    <>
      <PageHeader
        title="Activity"
        description="Authorization requests, sign-ins, consent decisions, tokens issued, refreshed, revoked and rejected, and errors, as they happen."
        actions={
          <Group gap="xs">
            <ExportMenu filters={filters} />
            {paused ? (
            <Button leftSection={<IconPlay size={16} />} onClick={() => setPaused(null)}>
              Resume{newSincePause ? ` (${newSincePause} new)` : ''}
            </Button>
          ) : (
            <Button variant="default" leftSection={<IconPause size={16} />} onClick={() => setPaused(live)}>
              Pause
            </Button>
          )}
          </Group>
        }
      />
      <Card withBorder padding="md">
        <Stack>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <Select label="Type" placeholder="Any" data={TYPE_GROUPS} value={values.type ?? null} onChange={(v) => set('type', v)} clearable w={210} />
            <Select label="Level" placeholder="Any" data={[...EVENT_LEVELS]} value={values.level ?? null} onChange={(v) => set('level', v)} clearable w={120} />
            <Select label="App" placeholder="Any" data={appOptions(lookups.apps)} value={values.app ?? null} onChange={(v) => set('app', v)} clearable searchable w={190} />
            <Select label="User" placeholder="Any" data={userOptions(lookups.users)} value={values.user ?? null} onChange={(v) => set('user', v)} clearable searchable w={200} />
            <TextInput label="Search" placeholder="Type or detail text" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={200} />
            <TextInput label="From" type="datetime-local" value={values.from ?? ''} onChange={(e) => set('from', e.currentTarget.value)} w={200} />
            <TextInput label="To" type="datetime-local" value={values.to ?? ''} onChange={(e) => set('to', e.currentTarget.value)} w={200} error={localTime(values.from) !== undefined && localTime(values.to) !== undefined && localTime(values.from)! > localTime(values.to)! ? 'before From' : undefined} />
            <ClearFiltersButton shown={filtered} onClear={clear} />
          </Group>
          <QueryState
            query={events}
            isEmpty={shown.length === 0}
            empty={<Empty title={filtered ? 'No event matches' : 'No activity yet'} description={filtered ? 'Change or clear the filters.' : 'Events appear here live as the server works.'} />}
          >
            <Table.ScrollContainer minWidth={700}>
              <Table verticalSpacing={6} highlightOnHover stickyHeader>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={90}>Time</Table.Th>
                    {/* Below 1200 px the level column gives its room to the summary (warnings and errors are still filterable). */}
                    <Table.Th w={60} visibleFrom="lg">
                      Level
                    </Table.Th>
                    <Table.Th>Event</Table.Th>
                    <Table.Th>App</Table.Th>
                    <Table.Th>User</Table.Th>
                    <Table.Th>Actor</Table.Th>
                    <Table.Th miw={180}>Summary</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody aria-live={paused ? 'off' : 'polite'} aria-relevant="additions">
                  {shown.map((e) => (
                    <Table.Tr
                      key={e.id}
                      className={`clickable-row${firstSeen !== null && e.id > firstSeen ? ' new-row' : ''}`}
                      tabIndex={0}
                      onClick={() => setSelected(e)}
                      onKeyDown={(k) => {
                        if (k.key === 'Enter' || k.key === ' ') {
                          k.preventDefault();
                          setSelected(e);
                        }
                      }}
                      aria-label={`${e.type} at ${formatDateTime(e.at)}: show details`}
                    >
                      <Table.Td>
                        <Tooltip label={formatDateTime(e.at)} withArrow>
                          <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                            {formatTime(e.at)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td visibleFrom="lg">
                        <Badge size="xs" color={LEVEL_COLORS[e.level]} variant="light">
                          {e.level}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text className="event-type">{e.type}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Truncated text={lookups.appName(e.clientId) ?? e.appName ?? (e.clientId ? shortId(e.clientId) : '—')} maw={130} />
                      </Table.Td>
                      <Table.Td>
                        <Truncated text={lookups.userLabel(e.accountId) ?? '—'} maw={130} />
                      </Table.Td>
                      <Table.Td>
                        <ActorCell event={e} names={lookups} />
                      </Table.Td>
                      <Table.Td maw={320} miw={180}>
                        <Text size="sm" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                          {summarizeEvent(e.type, e.detail)}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {paused ? null : <LoadMoreButton query={events} label="Load older events" />}
          </QueryState>
        </Stack>
      </Card>
      <SideDrawer opened={selected !== null} onClose={() => setSelected(null)} size="lg" title="Event">
        {selected ? <EventDetail event={selected} names={lookups} /> : null}
      </SideDrawer>
    </>
  );
}
