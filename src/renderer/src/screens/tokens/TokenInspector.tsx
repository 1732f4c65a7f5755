import { Alert, Badge, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { Token, TokenInspection } from '../../../../shared/contract';
import { Countdown, ScopeBadges, TimeAgo, TokenKindBadge, TokenStatusBadge } from '../../components/badges';
import { CopyValue, Field } from '../../components/copy';
import { IconAlert, IconCheck } from '../../components/icons';
import { RawDecodedView } from './RawDecodedView';

function formatClaimValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

export interface TokenNames {
  appName?: (id: string | null) => string | null;
  workspaceName?: (id: string | null) => string | null;
}

/** A stored token's facts: status, owner, scopes and its lifetime. */
export function StoredTokenFacts({ token, names = {} }: { token: Token; names?: TokenNames }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
      <Field label="Status">
        <Group gap={6}>
          <TokenStatusBadge token={token} />
          <TokenKindBadge kind={token.kind} />
        </Group>
      </Field>
      <Field label="Expires">
        {token.status === 'revoked' || token.status === 'consumed' ? <Text size="sm" c="dimmed">no longer usable</Text> : <Countdown at={token.expiresAt} />}
      </Field>
      <Field label="App">
        <Text size="sm">{token.appName ?? names.appName?.(token.appId) ?? token.appId ?? '—'}</Text>
      </Field>
      <Field label="User">
        <Text size="sm">{token.userEmail ?? (token.kind === 'client_credentials' ? 'none (the app itself)' : (token.userId ?? '—'))}</Text>
      </Field>
      <Field label="Workspace">
        <Text size="sm">{names.workspaceName?.(token.workspaceId) ?? token.workspaceId ?? '—'}</Text>
      </Field>
      <Field label="Actor">
        <Text size="sm">{token.actor ?? '—'}</Text>
      </Field>
      <Field label="Issued">
        <TimeAgo at={token.createdAt} />
      </Field>
      <Field label="Last used">
        <TimeAgo at={token.lastUsedAt} empty="never" />
      </Field>
      {token.consumedAt !== null ? (
        <Field label="Consumed">
          <TimeAgo at={token.consumedAt} />
        </Field>
      ) : null}
      {token.revokedAt !== null ? (
        <Field label="Revoked">
          <TimeAgo at={token.revokedAt} />
        </Field>
      ) : null}
      <Field label="Scopes">
        <ScopeBadges scopes={token.scopes} max={12} />
      </Field>
      <Field label="Stored id (SHA-256 of the value)">
        <CopyValue value={token.id} label="token id" truncate />
      </Field>
    </SimpleGrid>
  );
}

/** What a JWT says about itself: signature check, header, and each claim explained. */
function JwtSection({ jwt }: { jwt: NonNullable<TokenInspection['jwt']> }) {
  const sig = jwt.signature;
  return (
    <Stack gap="sm">
      <Title order={4}>Signature</Title>
      {sig.verified ? (
        <Alert color="teal" variant="light" icon={<IconCheck />} title="Signature verified">
          Signed with {sig.alg ?? 'an unknown algorithm'} by key <Code>{sig.kid ?? 'without kid'}</Code>
          {sig.keyStatus ? ` (${sig.keyStatus} key of this server)` : ''}.
        </Alert>
      ) : (
        <Alert color="red" variant="light" icon={<IconAlert />} title="Signature not verified">
          {sig.problem ?? 'It does not check against any key of this server.'}
          {sig.kid ? (
            <>
              {' '}
              Key id <Code>{sig.kid}</Code>, algorithm {sig.alg ?? 'unknown'}.
            </>
          ) : null}
        </Alert>
      )}
      <Title order={4}>Claims</Title>
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing={6} withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={120}>Claim</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Meaning</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {jwt.claims.map((claim) => (
              <Table.Tr key={claim.name}>
                <Table.Td>
                  <Text className="mono" fw={600}>
                    {claim.name}
                  </Text>
                </Table.Td>
                <Table.Td maw={280}>
                  <Text className="mono" style={{ whiteSpace: 'pre-wrap' }}>
                    {formatClaimValue(claim.value)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{claim.explanation}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/**
 * Everything the server found out about a token: its format, what its
 * prefix says, the stored row (status, owner, lifetime), the value raw and
 * decoded side by side (`raw`: the pasted value; null when only the stored
 * id is known) and, for a JWT, the signature check and each claim explained.
 */
export function TokenInspector({ inspection, names, raw = null }: { inspection: TokenInspection; names?: TokenNames; raw?: string | null }) {
  return (
    <Stack gap="md" aria-label="Token inspection">
      <Group gap="xs">
        <Badge variant="light" color={inspection.format === 'jwt' ? 'grape' : 'blue'}>
          {inspection.format === 'jwt' ? 'JWT' : 'opaque token'}
        </Badge>
        {inspection.prefixKind ? (
          <Badge variant="outline" color="gray" tt="none">
            prefix says: {inspection.prefixKind}
          </Badge>
        ) : null}
        {inspection.token ? <TokenStatusBadge token={inspection.token} /> : null}
      </Group>
      {inspection.audience !== null || inspection.token?.kind === 'access' || inspection.token?.kind === 'client_credentials' ? (
        <Field label="Audience (resource)">
          <Text size="sm" className="mono">
            {inspection.audience ?? 'none: issued without a resource indicator'}
          </Text>
        </Field>
      ) : null}
      {inspection.notes.length > 0 ? (
        <Alert variant="light" color={inspection.token?.status === 'active' ? 'blue' : 'gray'} title="Findings">
          <Stack gap={2}>
            {inspection.notes.map((note) => (
              <Text size="sm" key={note}>
                {note}
              </Text>
            ))}
          </Stack>
        </Alert>
      ) : null}
      {inspection.token ? (
        <Paper withBorder p="md">
          <StoredTokenFacts token={inspection.token} names={names} />
        </Paper>
      ) : (
        <Text size="sm" c="dimmed">
          {inspection.format === 'jwt'
            ? 'No stored token matches this JWT: ID tokens are not kept, and a JWT from elsewhere never was.'
            : 'No stored token matches this value.'}
        </Text>
      )}
      <RawDecodedView inspection={inspection} raw={raw} />
      {inspection.jwt ? <JwtSection jwt={inspection.jwt} /> : null}
    </Stack>
  );
}
