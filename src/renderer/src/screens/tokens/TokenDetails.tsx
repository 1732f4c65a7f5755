import { Badge, Divider, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Token } from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { useLookups } from '../../admin/lookups';
import { TokenKindBadge, TokenStatusBadge } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { QueryState } from '../../components/feedback';
import { IconBan } from '../../components/icons';
import { formatDateTime, plural } from '../../lib/format';
import { useTokenStatus } from '../../lib/token-status';
import { TokenInspector } from './TokenInspector';
import { ExpireNowButton } from './ExpireNowButton';

interface LifeEvent {
  at: number;
  title: string;
  detail: string;
  color: string;
}

/** The token's own history: issued, used, consumed, revoked, and (if passed) expired. */
function lifeEvents(token: Token): LifeEvent[] {
  const events: LifeEvent[] = [{ at: token.createdAt, title: 'Issued', detail: `${token.scopes.join(' ') || 'no scopes'}`, color: 'blue' }];
  if (token.lastUsedAt !== null) events.push({ at: token.lastUsedAt, title: 'Last used', detail: 'presented to the server', color: 'gray' });
  if (token.consumedAt !== null) events.push({ at: token.consumedAt, title: 'Consumed', detail: 'exchanged; it cannot be used again', color: 'violet' });
  if (token.revokedAt !== null) events.push({ at: token.revokedAt, title: 'Revoked', detail: 'every use is refused from here on', color: 'red' });
  if (token.expiresAt !== null && token.expiresAt <= Date.now()) events.push({ at: token.expiresAt, title: 'Expired', detail: 'its lifetime ended', color: 'gray' });
  return events.sort((a, b) => a.at - b.at);
}

function TokenHistory({ token }: { token: Token }) {
  return (
    <Timeline active={-1} bulletSize={14} lineWidth={2}>
      {lifeEvents(token).map((e) => (
        <Timeline.Item key={`${e.title}:${e.at}`} title={e.title} color={e.color}>
          <Text size="xs" c="dimmed">
            {formatDateTime(e.at)} · {e.detail}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

/** Every code and token of one grant, oldest first: how the connection's credentials came and went. */
function GrantTokens({ grantId, current, onInspect }: { grantId: string; current: string; onInspect?: (id: string) => void }) {
  const tokens = useAdminQuery('tokens.list', { grantId, limit: 100 });
  const items = [...(tokens.data?.items ?? [])].sort((a, b) => a.createdAt - b.createdAt);
  return (
    <QueryState query={tokens} isEmpty={items.length === 0} empty={<Text size="sm" c="dimmed">No other tokens in this grant.</Text>}>
      <Timeline active={-1} bulletSize={14} lineWidth={2}>
        {items.map((t) => (
          <Timeline.Item
            key={t.id}
            color={t.status === 'active' ? 'teal' : t.status === 'revoked' ? 'red' : 'gray'}
            title={
              <Group gap={6}>
                <TokenKindBadge kind={t.kind} />
                <TokenStatusBadge token={t} />
                {t.id === current ? (
                  <Badge size="sm" variant="filled">
                    this token
                  </Badge>
                ) : onInspect ? (
                  <Text size="xs" component="button" type="button" onClick={() => onInspect(t.id)} c="var(--mantine-color-anchor)" style={{ background: 'none', border: 0, cursor: 'pointer' }}>
                    inspect
                  </Text>
                ) : null}
              </Group>
            }
          >
            <Text size="xs" c="dimmed">
              issued {formatDateTime(t.createdAt)}
              {t.revokedAt ? ` · revoked ${formatDateTime(t.revokedAt)}` : ''}
              {t.consumedAt ? ` · consumed ${formatDateTime(t.consumedAt)}` : ''}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </QueryState>
  );
}

function RecentActivity({ token }: { token: Token }) {
  const activity = useAdminQuery(
    'activity.list',
    { ...(token.appId ? { appId: token.appId } : {}), ...(token.userId ? { userId: token.userId } : {}), limit: 15 },
    { enabled: token.appId !== null || token.userId !== null },
  );
  const items = activity.data?.items ?? [];
  return (
    <QueryState query={activity} isEmpty={items.length === 0} empty={<Text size="sm" c="dimmed">No activity recorded for this app and user.</Text>}>
      <Stack gap={4}>
        {items.map((e) => (
          <Group key={e.id} gap="xs" wrap="nowrap">
            <Text size="xs" c="dimmed" w={150} style={{ flex: 'none' }}>
              {formatDateTime(e.at)}
            </Text>
            <Badge size="xs" variant="light" color={e.level === 'error' ? 'red' : e.level === 'warn' ? 'orange' : 'gray'}>
              {e.type}
            </Badge>
          </Group>
        ))}
      </Stack>
    </QueryState>
  );
}

/** The revoke actions for one token: itself, its grant, its app, its user. Each confirms first. */
export function TokenRevokeActions({ token, onRevoked }: { token: Token; onRevoked?: () => void }) {
  const revoke = useAdminMutation('tokens.revoke');
  const revokeAll = useAdminMutation('tokens.revokeAll');
  const live = useTokenStatus(token) === 'active';
  const done = (what: string) => (result: unknown) => {
    const r = result as { revoked?: number; revokedTokens?: number; revokedGrants?: number };
    const count = r.revoked ?? r.revokedTokens ?? 0;
    notifications.show({ color: 'teal', title: 'Revoked', message: `${what}: ${plural(count, 'token')} revoked${r.revokedGrants ? `, ${plural(r.revokedGrants, 'grant')}` : ''}.` });
    onRevoked?.();
  };
  return (
    <Group gap="xs" align="center">
      <ConfirmButton
        label="Revoke token"
        icon={<IconBan size={16} />}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        disabled={!live}
        action={() => revoke.mutateAsync({ id: token.id })}
        onDone={done('This token')}
      >
        <Text size="sm">The token stops working at once: the resource API and introspection refuse it. The row stays, marked revoked.</Text>
      </ConfirmButton>
      <ExpireNowButton target={{ id: token.id }} what="this token" disabled={!live} />
      {token.grantId ? <ExpireNowButton target={{ grantId: token.grantId }} what="the grant" /> : null}
      {token.grantId ? (
        <ConfirmButton
          label="Revoke the grant"
          variant="subtle"
          size="xs"
          title="Revoke the whole grant?"
          confirmLabel="Revoke grant"
          action={() => revokeAll.mutateAsync({ grantId: token.grantId! })}
          onDone={done('The grant')}
        >
          <Text size="sm">Every code, access and refresh token of this connection dies at once; the user must consent again.</Text>
        </ConfirmButton>
      ) : null}
      {token.appId ? (
        <ConfirmButton
          label="Revoke all of the app"
          variant="subtle"
          size="xs"
          title={`Revoke every token of ${token.appName ?? 'this app'}?`}
          confirmLabel="Revoke all of the app"
          action={() => revokeAll.mutateAsync({ appId: token.appId! })}
          onDone={done(token.appName ?? 'The app')}
        >
          <Text size="sm">Every live token and grant of the app, for every user, is revoked.</Text>
        </ConfirmButton>
      ) : null}
      {token.userId ? (
        <ConfirmButton
          label="Revoke all of the user"
          variant="subtle"
          size="xs"
          title={`Revoke every token of ${token.userEmail ?? 'this user'}?`}
          confirmLabel="Revoke all of the user"
          action={() => revokeAll.mutateAsync({ userId: token.userId! })}
          onDone={done(token.userEmail ?? 'The user')}
        >
          <Text size="sm">Every live token and grant of the user, in every app, is revoked.</Text>
        </ConfirmButton>
      ) : null}
    </Group>
  );
}

/** RFC 9449: a DPoP-bound token names the key it is bound to; a plain bearer token shows nothing. */
export function DpopBinding({ token }: { token: Token }) {
  if (!token.dpopJkt) return null;
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Badge variant="light" color="grape" size="sm">
        DPoP-bound
      </Badge>
      <Text size="sm">
        DPoP-bound (jkt <span className="mono">{token.dpopJkt}</span>): usable only as <code>Authorization: DPoP</code> with a proof signed by that key.
      </Text>
    </Group>
  );
}

/** The inspect view of a stored token: decoded and explained, then its grant, history and revoke actions. */
export function TokenDetails({ id, onInspect }: { id: string; onInspect?: (id: string) => void }) {
  const inspection = useAdminQuery('tokens.inspect', { id });
  const lookups = useLookups();
  const token = inspection.data?.token ?? null;
  return (
    <QueryState query={inspection} loadingLabel="Inspecting the token…">
      {inspection.data ? (
        <Stack gap="md">
          {token ? <TokenRevokeActions token={token} /> : null}
          {token ? <DpopBinding token={token} /> : null}
          <TokenInspector inspection={inspection.data} names={lookups} />
          {token ? (
            <>
              <Divider />
              <Title order={4}>History</Title>
              <TokenHistory token={token} />
              {token.grantId ? (
                <>
                  <Divider />
                  <Title order={4}>Grant</Title>
                  <Text size="sm" c="dimmed">
                    The connection this token belongs to, and every credential issued under it.
                  </Text>
                  <GrantTokens grantId={token.grantId} current={token.id} onInspect={onInspect} />
                </>
              ) : null}
              <Divider />
              <Title order={4}>Recent activity of this app and user</Title>
              <RecentActivity token={token} />
            </>
          ) : null}
        </Stack>
      ) : null}
    </QueryState>
  );
}
