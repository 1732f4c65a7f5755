import { Badge, Button, Card, Group, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link } from 'react-router';
import type { Session } from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { useLookups, userOptions } from '../../admin/lookups';
import { TimeAgo } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, QueryState } from '../../components/feedback';
import { IconLogout } from '../../components/icons';
import { ClearFiltersButton } from '../../components/lists';
import { PageHeader } from '../../components/PageHeader';
import { plural } from '../../lib/format';
import { useSearchFilters } from '../../lib/use-search-filters';

const FILTERS = ['user'] as const;

function userLabel(session: Pick<Session, 'userName' | 'userEmail' | 'userId'>): string {
  return session.userName ? `${session.userName} (${session.userEmail})` : `removed user ${session.userId}`;
}

function EndSession({ session }: { session: Session }) {
  const end = useAdminMutation('sessions.end');
  return (
    <ConfirmButton
      label="End session"
      icon={<IconLogout size={14} />}
      size="xs"
      title="End this session?"
      confirmLabel="End session"
      action={() => end.mutateAsync({ id: session.id })}
      onDone={() => notifications.show({ color: 'teal', title: 'Session ended', message: `${userLabel(session)} signs in again on the next request from that browser.` })}
    >
      <Text size="sm">
        {userLabel(session)} is signed out of the server's pages in that browser: the next authorization request there shows the sign-in page. Connections and
        tokens stay; revoke those on the Connections or Tokens screens.
      </Text>
    </ConfirmButton>
  );
}

function EndAllForUser({ userId, label, count }: { userId: string; label: string; count: number }) {
  const endAll = useAdminMutation('sessions.endAllForUser');
  return (
    <ConfirmButton
      label={`End all of ${label}`}
      icon={<IconLogout size={14} />}
      size="xs"
      variant="light"
      title={`End every session of ${label}?`}
      confirmLabel="End all sessions"
      action={() => endAll.mutateAsync({ userId })}
      onDone={(r) => notifications.show({ color: 'teal', title: 'Sessions ended', message: `${plural((r as { ended: number }).ended, 'session')} ended.` })}
    >
      <Text size="sm">
        {label} is signed out in every browser ({plural(count, 'session')} listed): each one's next authorization request shows the sign-in page.
      </Text>
    </ConfirmButton>
  );
}

/**
 * Who is signed in to the server's sign-in pages, since when and with which
 * apps; end one session, or all of a user's. QA uses it to test "the user
 * signed out" without touching the browser's cookies.
 */
export function SessionsScreen() {
  const { values, set, clear } = useSearchFilters(FILTERS);
  const lookups = useLookups();
  const sessions = useAdminQuery('sessions.list', values.user ? { userId: values.user } : {});
  const items = sessions.data?.items ?? [];
  const filtered = Boolean(values.user);
  const userFilterLabel = values.user ? (lookups.userLabel(values.user) ?? 'this user') : null;

  return (
    <>
      <PageHeader
        title="Sessions"
        description="Browsers signed in to this server's sign-in pages. Ending a session signs its user out there: the next authorization request shows the sign-in page again."
      />
      <Card withBorder padding="md">
        <Stack>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <Select label="User" placeholder="Any" data={userOptions(lookups.users)} value={values.user ?? null} onChange={(v) => set('user', v)} clearable searchable w={260} />
            <ClearFiltersButton shown={filtered} onClear={clear} />
            {values.user && items.length > 0 ? <EndAllForUser userId={values.user} label={userFilterLabel!} count={items.length} /> : null}
          </Group>
          <QueryState
            query={sessions}
            loadingLabel="Loading sessions…"
            isEmpty={items.length === 0}
            empty={
              <Empty
                title={filtered ? 'This user is not signed in anywhere' : 'Nobody is signed in'}
                description={filtered ? 'Clear the filter to see every session.' : 'A session appears when a user signs in on the sign-in page (an authorization request).'}
              />
            }
          >
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="xs" highlightOnHover aria-label="Sessions" data-actions>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>User</Table.Th>
                    <Table.Th>Signed in</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>Apps</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        <Text size="sm">{s.userName ?? 'removed user'}</Text>
                        <Text size="xs" c="dimmed">
                          {s.userEmail ?? s.userId}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <TimeAgo at={s.signedInAt} />
                      </Table.Td>
                      <Table.Td>
                        <TimeAgo at={s.expiresAt} empty="with the browser" />
                      </Table.Td>
                      <Table.Td maw={320}>
                        {s.apps.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            none yet
                          </Text>
                        ) : (
                          <Group gap={4}>
                            {s.apps.map((a) =>
                              a.grantId ? (
                                <Badge key={a.appId} component={Link} to={`/tokens?grant=${encodeURIComponent(a.grantId)}`} variant="light" style={{ cursor: 'pointer' }}>
                                  {a.appName ?? a.appId}
                                </Badge>
                              ) : (
                                <Badge key={a.appId} variant="outline" color="gray">
                                  {a.appName ?? a.appId}
                                </Badge>
                              ),
                            )}
                          </Group>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          {values.user ? null : (
                            <Button variant="subtle" size="compact-sm" onClick={() => set('user', s.userId)}>
                              This user's sessions
                            </Button>
                          )}
                          <EndSession session={s} />
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
    </>
  );
}
