import { useState } from 'react';
import { Badge, Button, CloseButton, Group, Select, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { SideDrawer } from '../../components/SideDrawer';
import { notifications } from '@mantine/notifications';
import { TOKEN_KINDS, TOKEN_STATUSES, type Token, type TokenKind, type TokenStatus } from '../../../../shared/contract';
import { useAdminMutation, useAdminPagedQuery, useAdminQuery } from '../../admin/hooks';
import { appOptions, useLookups, userOptions, workspaceOptions } from '../../admin/lookups';
import { Countdown, MintedBadge, ScopeBadges, TimeAgo, TOKEN_KIND_LABELS, TokenKindBadge, TokenStatusBadge } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Empty, QueryState } from '../../components/feedback';
import { ClearFiltersButton, LoadMoreButton } from '../../components/lists';
import { IconAction } from '../../components/IconAction';
import { IconBan, IconEye } from '../../components/icons';
import { Truncated } from '../../components/Truncated';
import { shortId } from '../../lib/format';
import { useTokenStatus } from '../../lib/token-status';
import { useSearchFilters } from '../../lib/use-search-filters';
import { RevokeAllDialog } from './RevokeAllDialog';
import { TokenDetails } from './TokenDetails';

const FILTERS = ['kind', 'status', 'app', 'user', 'workspace', 'grant', 'inspect'] as const;

function RowActions({ token, onInspect }: { token: Token; onInspect: () => void }) {
  const revoke = useAdminMutation('tokens.revoke');
  const status = useTokenStatus(token);
  return (
    <Group gap={2} wrap="nowrap" justify="flex-end">
      <IconAction tooltip="Inspect" label={`Inspect ${TOKEN_KIND_LABELS[token.kind].toLowerCase()} ${shortId(token.id)}`} icon={<IconEye size={16} />} onClick={onInspect} />
      <ConfirmButton
        iconOnly
        icon={<IconBan size={16} />}
        label={`Revoke ${TOKEN_KIND_LABELS[token.kind].toLowerCase()} ${shortId(token.id)}`}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        disabled={status !== 'active'}
        action={() => revoke.mutateAsync({ id: token.id })}
        onDone={() => notifications.show({ color: 'teal', title: 'Token revoked', message: 'It is refused from now on.' })}
      >
        <Text size="sm">
          The {TOKEN_KIND_LABELS[token.kind].toLowerCase()} of {token.appName ?? 'an app'}
          {token.userEmail ? ` for ${token.userEmail}` : ''} stops working at once. The row stays, marked revoked.
        </Text>
      </ConfirmButton>
    </Group>
  );
}

/**
 * The token table with its filters, inspect drawer and revoke actions. On
 * the tokens screen every filter is open; an app's page fixes the app.
 */
export function TokensPanel({ fixed = {} }: { fixed?: { appId?: string } }) {
  const { values, set, clear } = useSearchFilters(FILTERS);
  const lookups = useLookups();
  const [revokeAllOpen, setRevokeAllOpen] = useState(false);
  const appId = fixed.appId ?? values.app;
  const tokens = useAdminPagedQuery('tokens.list', {
    kind: values.kind as TokenKind | undefined,
    status: values.status as TokenStatus | undefined,
    appId,
    userId: values.user,
    workspaceId: values.workspace,
    grantId: values.grant,
    limit: 50,
  });
  const filtered = FILTERS.some((k) => k !== 'inspect' && values[k]);
  // "Revoke all…" is offered only while something it would revoke is live.
  const live = useAdminQuery('tokens.list', { appId, userId: values.user, grantId: values.grant, status: 'active', limit: 1 });
  const nothingLive = live.data !== undefined && live.data.items.length === 0;

  return (
    <Stack>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Kind"
          placeholder="Any"
          data={TOKEN_KINDS.map((k) => ({ value: k, label: TOKEN_KIND_LABELS[k] }))}
          value={values.kind ?? null}
          onChange={(v) => set('kind', v)}
          clearable
          w={170}
        />
        <Select label="Status" placeholder="Any" data={[...TOKEN_STATUSES]} value={values.status ?? null} onChange={(v) => set('status', v)} clearable w={130} />
        {fixed.appId ? null : (
          <Select label="App" placeholder="Any" data={appOptions(lookups.apps)} value={values.app ?? null} onChange={(v) => set('app', v)} clearable searchable w={170} />
        )}
        <Select label="User" placeholder="Any" data={userOptions(lookups.users)} value={values.user ?? null} onChange={(v) => set('user', v)} clearable searchable w={210} />
        <Select label="Workspace" placeholder="Any" data={workspaceOptions(lookups.workspaces)} value={values.workspace ?? null} onChange={(v) => set('workspace', v)} clearable w={170} />
        {values.grant ? (
          <Badge size="lg" variant="light" rightSection={<CloseButton size="xs" onClick={() => set('grant', null)} aria-label="Clear grant filter" />}>
            grant {shortId(values.grant)}
          </Badge>
        ) : null}
        <ClearFiltersButton shown={filtered} onClear={clear} />
        <Tooltip label="Nothing live to revoke" disabled={!nothingLive} withArrow>
          <Button ml="auto" color="red" variant="light" leftSection={<IconBan size={16} />} onClick={() => setRevokeAllOpen(true)} disabled={nothingLive}>
            Revoke all…
          </Button>
        </Tooltip>
      </Group>
      <QueryState
        query={tokens}
        isEmpty={tokens.items.length === 0}
        empty={
          <Empty
            title={filtered ? 'No token matches' : 'No tokens yet'}
            description={filtered ? 'Change or clear the filters.' : 'Tokens appear here as soon as an app gets one: run a flow from the consent preview or the quick start.'}
          />
        }
      >
        <Table.ScrollContainer minWidth={760}>
          <Table highlightOnHover verticalSpacing="xs" data-actions>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Status</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>App</Table.Th>
                <Table.Th>User</Table.Th>
                <Table.Th>Workspace</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.items.map((t) => (
                <Table.Tr key={t.id} data-token-id={t.id}>
                  <Table.Td>
                    <TokenStatusBadge token={t} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <TokenKindBadge kind={t.kind} />
                      {t.minted ? <MintedBadge /> : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Truncated text={t.appName ?? t.appId ?? '—'} maw={160} />
                  </Table.Td>
                  <Table.Td>
                    {t.userEmail ? <Truncated text={t.userEmail} maw={190} /> : <Text size="sm" c="dimmed">{t.kind === 'client_credentials' ? 'app itself' : '—'}</Text>}
                  </Table.Td>
                  <Table.Td>
                    <Truncated text={lookups.workspaceName(t.workspaceId) ?? '—'} maw={130} />
                  </Table.Td>
                  <Table.Td maw={220}>
                    <ScopeBadges scopes={t.scopes} max={2} />
                  </Table.Td>
                  <Table.Td>
                    <TimeAgo at={t.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {t.status === 'active' ? <Countdown at={t.expiresAt} /> : <Text size="sm" c="dimmed">—</Text>}
                  </Table.Td>
                  <Table.Td>
                    <RowActions token={t} onInspect={() => set('inspect', t.id)} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <LoadMoreButton query={tokens} />
      </QueryState>
      <SideDrawer opened={Boolean(values.inspect)} onClose={() => set('inspect', null)} size="xl" title="Inspect token">
        {values.inspect ? <TokenDetails id={values.inspect} onInspect={(id) => set('inspect', id)} /> : null}
      </SideDrawer>
      {revokeAllOpen ? (
        <RevokeAllDialog opened onClose={() => setRevokeAllOpen(false)} lookups={lookups} initial={{ appId, userId: values.user, grantId: values.grant }} />
      ) : null}
    </Stack>
  );
}
