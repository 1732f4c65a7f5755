import { Badge, Group, Text, Tooltip } from '@mantine/core';
import type { App, Token, TokenKind, TokenStatus } from '../../../shared/contract';
import type { ConsentPolicy } from '../../../shared/settings';
import { formatDateTime, formatDuration, formatRelative } from '../lib/format';
import { tokenStatusAt } from '../lib/token-status';
import { useNow } from '../lib/use-now';

const STATUS_COLORS: Record<TokenStatus, string> = { active: 'teal', expired: 'gray', revoked: 'red', consumed: 'violet' };

/** A token's status badge; given the token itself, it follows the clock (an `active` token turns `expired` on time). */
export function TokenStatusBadge(props: { status: TokenStatus } | { token: Pick<Token, 'status' | 'expiresAt'> }) {
  const now = useNow();
  const status = 'token' in props ? tokenStatusAt(props.token, now) : props.status;
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" size="sm">
      {status}
    </Badge>
  );
}

export const TOKEN_KIND_LABELS: Record<TokenKind, string> = {
  code: 'Authorization code',
  access: 'Access token',
  refresh: 'Refresh token',
  client_credentials: 'Client credentials',
};

const KIND_SHORT: Record<TokenKind, string> = { code: 'code', access: 'access', refresh: 'refresh', client_credentials: 'client creds' };

export function TokenKindBadge({ kind }: { kind: TokenKind }) {
  return (
    <Tooltip label={TOKEN_KIND_LABELS[kind]} withArrow>
      <Badge color="blue" variant="outline" size="sm">
        {KIND_SHORT[kind]}
      </Badge>
    </Tooltip>
  );
}

const POLICY_COLORS: Record<ConsentPolicy, string> = { prompt: 'blue', 'auto-approve': 'teal', 'auto-deny': 'orange' };

export function ConsentPolicyBadge({ policy, inherited }: { policy: ConsentPolicy; inherited?: boolean }) {
  return (
    <Tooltip label={inherited ? 'Follows the server setting' : 'Set for this app'} withArrow>
      <Badge color={POLICY_COLORS[policy]} variant={inherited ? 'outline' : 'light'} size="sm">
        {policy}
      </Badge>
    </Tooltip>
  );
}

/**
 * Where an app came from, when not the console: "DCR" for a dynamically
 * registered client (RFC 7591), "CIMD" with the document's host for a
 * client described by its Client ID Metadata Document, else the origin.
 */
export function AppOriginBadge({ app }: { app: Pick<App, 'id' | 'origin'> }) {
  if (app.origin === 'console') return null;
  const label = app.origin === 'cimd' ? `CIMD · ${URL.parse(app.id)?.host ?? app.id}` : app.origin === 'dynamic' ? 'DCR' : app.origin;
  const help = app.origin === 'cimd' ? `Described by its metadata document at ${app.id}` : app.origin === 'dynamic' ? 'Registered itself (dynamic client registration)' : `Created by ${app.origin}`;
  return (
    <Tooltip label={help} withArrow>
      <Badge size="xs" variant="outline" color={app.origin === 'cimd' ? 'grape' : app.origin === 'dynamic' ? 'cyan' : 'gray'}>
        {label}
      </Badge>
    </Tooltip>
  );
}

export function ScopeBadges({ scopes, max = 4 }: { scopes: string[]; max?: number }) {
  if (scopes.length === 0) return <Text size="sm" c="dimmed">none</Text>;
  const shown = scopes.slice(0, max);
  const rest = scopes.length - shown.length;
  return (
    <Group gap={4}>
      {shown.map((s) => (
        <Badge key={s} variant="default" size="sm" tt="none" ff="monospace" fw={500}>
          {s}
        </Badge>
      ))}
      {rest > 0 ? (
        <Tooltip label={scopes.slice(max).join(' ')} withArrow multiline maw={320}>
          <Badge variant="default" size="sm" tt="none">
            +{rest}
          </Badge>
        </Tooltip>
      ) : null}
    </Group>
  );
}

const YEAR_MS = 365 * 86_400_000;
/**
 * An expiry this far out is the engine's stand-in for "none" (refresh
 * tokens live until revoked, stored with a distant expiry): say so rather
 * than "in about 10 years".
 */
const NO_REAL_EXPIRY_MS = 5 * YEAR_MS;

/** A live countdown to an expiry: `in 23h 59m 12s`, then `expired 5s ago`. */
export function Countdown({ at, never = 'until revoked' }: { at: number | null; never?: string }) {
  const now = useNow();
  if (at === null || at - now > NO_REAL_EXPIRY_MS) return <Text size="sm" c="dimmed">{never}</Text>;
  const left = at - now;
  return (
    <Tooltip label={formatDateTime(at)} withArrow>
      <Text size="sm" c={left <= 0 ? 'dimmed' : left < 5 * 60_000 ? 'orange' : undefined} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        {left <= 0 ? `expired ${formatRelative(at, now)}` : left > YEAR_MS ? `in about ${Math.round(left / YEAR_MS)} years` : `in ${formatDuration(left / 1000)}`}
      </Text>
    </Tooltip>
  );
}

/** `5m ago`, kept fresh, with the exact time on hover. */
export function TimeAgo({ at, empty = '—' }: { at: number | null; empty?: string }) {
  const now = useNow();
  if (at === null) return <Text size="sm" c="dimmed">{empty}</Text>;
  return (
    <Tooltip label={formatDateTime(at)} withArrow>
      <Text size="sm" component="time" dateTime={new Date(at).toISOString()} style={{ whiteSpace: 'nowrap' }}>
        {formatRelative(at, now)}
      </Text>
    </Tooltip>
  );
}

/** Issued by "Mint a token", not by a flow. */
export function MintedBadge() {
  return (
    <Tooltip label="Minted in the console or the admin API, not issued by a flow" withArrow>
      <Badge size="sm" variant="outline" color="grape">
        minted
      </Badge>
    </Tooltip>
  );
}
