import { Alert, Anchor, Code, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { MintedTokens } from '../../../../../shared/contract';
import { CopyIconButton } from '../../../components/copy';

function TokenValue({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="sm" fw={600} mb={4}>
        {label}
      </Text>
      <Group gap={4} wrap="nowrap" align="flex-start">
        <Code block aria-label={label} style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {value}
        </Code>
        <CopyIconButton value={value} label={label.toLowerCase()} />
      </Group>
    </div>
  );
}

/** The minted tokens, shown this once with copy buttons: the server keeps only their hashes. */
export function MintedTokensView({ minted }: { minted: MintedTokens }) {
  return (
    <Stack gap="sm" data-testid="minted">
      <Alert color="yellow" variant="light" title="Copy the tokens now">
        They are shown only here: the server stores their hashes. Scope <code>{minted.scope || '(none)'}</code>, expires in {minted.expiresIn} s
        {minted.plan.resource ? (
          <>
            , for <code>{minted.plan.resource}</code>
          </>
        ) : null}
        .
      </Alert>
      <TokenValue label="Access token" value={minted.accessToken} />
      {minted.refreshToken ? <TokenValue label="Refresh token" value={minted.refreshToken} /> : null}
      {minted.idToken ? <TokenValue label="ID token" value={minted.idToken} /> : null}
      <Anchor component={Link} to={`/tokens?inspect=${minted.accessTokenId}`} size="sm">
        Inspect the access token
      </Anchor>
    </Stack>
  );
}
