import { useState } from 'react';
import { Alert, Badge, Button, Card, Code, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { decodeForEditing, NEGATIVE_PRESETS, parseClaims, signWithTestKey, TEST_KEY_ALG, TEST_KEY_KID } from '../../../../shared/test-signing';
import { CopyValue } from '../../components/copy';
import { ErrorAlert, Loading } from '../../components/feedback';
import { IconAlert } from '../../components/icons';
import { useTestSigningKey } from './use-test-signing-key';
import { VerifyPanel } from './VerifyPanel';

const pretty = (claims: Record<string, unknown>) => JSON.stringify(claims, null, 2);

/** The re-signed token, marked as not ours, with the test key's public half to verify it. */
function Resigned({ token, publicJwk }: { token: string; publicJwk: string }) {
  return (
    <Card withBorder padding="md" style={{ borderColor: 'var(--mantine-color-orange-6)' }} aria-label="Re-signed token">
      <Stack gap="sm">
        <Group gap="xs">
          <Badge color="orange" variant="filled">
            Not ours: test key
          </Badge>
          <Text size="sm">
            Signed with <Code>{TEST_KEY_ALG}</Code> key <Code>{TEST_KEY_KID}</Code>. This server, its API and its MCP server refuse it.
          </Text>
        </Group>
        <CopyValue value={token} label="re-signed token" />
        <Title order={6}>Verify it against the test key</Title>
        <VerifyPanel key={token} token={token} initialKey={publicJwk} />
      </Stack>
    </Card>
  );
}

/**
 * Edit a JWT's claims and sign the result with the console session's test
 * key, to make negative-test tokens (expired, wrong audience, wrong issuer,
 * tampered claims). The header keeps the original's `typ` and takes the
 * test key's `alg` and `kid`; `alg: none` is never offered.
 */
export function ResignPanel({ token }: { token: string }) {
  const testKey = useTestSigningKey();
  const decoded = decodeForEditing(token);
  const [text, setText] = useState(() => ('error' in decoded ? '' : pretty(decoded.payload)));
  const [claimsError, setClaimsError] = useState<string | null>(null);
  const [signError, setSignError] = useState<unknown>(null);
  const [signed, setSigned] = useState<string | null>(null);
  const [signing, setSigning] = useState(false);

  if ('error' in decoded) return <Text size="sm" c="dimmed">{`Only a JWT can be re-signed (${decoded.error}).`}</Text>;
  if (testKey.isPending) return <Loading label="Making this session’s test key…" />;
  if (testKey.isError) return <ErrorAlert error={testKey.error} title="This window could not make a test key (WebCrypto)" onRetry={() => void testKey.refetch()} />;
  const key = testKey.data;

  const applyPreset = (preset: (typeof NEGATIVE_PRESETS)[number]) => {
    const parsed = parseClaims(text);
    if ('error' in parsed) return setClaimsError(parsed.error);
    setClaimsError(null);
    setText(pretty(preset.apply(parsed.claims, Math.floor(Date.now() / 1000))));
  };

  const sign = async () => {
    const parsed = parseClaims(text);
    if ('error' in parsed) return setClaimsError(parsed.error);
    setClaimsError(null);
    setSignError(null);
    setSigning(true);
    try {
      setSigned(await signWithTestKey(key, parsed.claims, decoded.header));
    } catch (err) {
      setSignError(err);
    } finally {
      setSigning(false);
    }
  };

  return (
    <Stack gap="sm">
      <Alert color="orange" variant="light" icon={<IconAlert />} title="Negative-test tokens, not ours">
        Tokens made here are signed with a throwaway {TEST_KEY_ALG} key made in this console session (kid <Code>{TEST_KEY_KID}</Code>), never with this
        server’s keys. Every API of this server refuses them; use them to check that your app or API does too.
      </Alert>
      <Group gap="xs" aria-label="Presets">
        {NEGATIVE_PRESETS.map((preset) => (
          <Button key={preset.id} size="xs" variant="default" onClick={() => applyPreset(preset)}>
            {preset.label}
          </Button>
        ))}
        <Button size="xs" variant="subtle" onClick={() => {
            setText(pretty(decoded.payload));
            setClaimsError(null);
          }}>
          Reset
        </Button>
      </Group>
      <Textarea
        label="Claims (payload)"
        description="Edit as JSON; the header keeps typ and takes the test key's alg and kid."
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        error={claimsError}
        autosize
        minRows={6}
        maxRows={20}
        spellCheck={false}
        autoComplete="off"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
      />
      <Group>
        <Button onClick={() => void sign()} loading={signing} color="orange">
          Sign with the test key
        </Button>
      </Group>
      {signError ? <ErrorAlert error={signError} title="Signing failed" /> : null}
      {signed ? <Resigned token={signed} publicJwk={JSON.stringify(key.publicJwk)} /> : null}
    </Stack>
  );
}
