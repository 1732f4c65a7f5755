import { useState } from 'react';
import { Alert, Button, Code, Group, SegmentedControl, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { AdminError, type TokenVerification, type TokensVerifyInput, type VerifyCheck } from '../../../../shared/contract';
import { useAdmin, useAdminQuery } from '../../admin/hooks';
import { ErrorAlert } from '../../components/feedback';
import { IconAlert, IconCheck } from '../../components/icons';
import { endpointUrl } from '../../lib/endpoints';

const VERIFY_FIELDS = ['key', 'jwksUrl', 'expectedIssuer', 'expectedAudience'] as const;

const CHECK_NAMES: Record<VerifyCheck['check'], string> = {
  signature: 'Signature',
  expiry: 'Expiry',
  not_before: 'Not before',
  issuer: 'Issuer',
  audience: 'Audience',
};

const RESULT_MARK: Record<VerifyCheck['result'], { mark: string; color: string; label: string }> = {
  ok: { mark: '✓', color: 'teal', label: 'passed' },
  failed: { mark: '✕', color: 'red', label: 'failed' },
  info: { mark: 'i', color: 'gray', label: 'shown, not checked' },
};

/** The verdict: one line in words, then each check. */
export function VerifyVerdict({ result }: { result: TokenVerification }) {
  const valid = result.verdict === 'valid';
  return (
    <Stack gap="sm" aria-label="Verification verdict">
      <Alert color={valid ? 'teal' : 'red'} variant="light" icon={valid ? <IconCheck /> : <IconAlert />} title={valid ? 'Valid' : 'Invalid'}>
        <Text size="sm">
          Signature {result.signatureValid ? 'valid' : 'invalid'} · alg <Code>{result.alg ?? 'none'}</Code> · kid <Code>{result.kid ?? 'none'}</Code>
          {result.matchedKid ? (
            <>
              {' '}
              · verified with key <Code>{result.matchedKid}</Code>
            </>
          ) : null}{' '}
          · {result.keyCount === 1 ? 'one key' : `${result.keyCount} keys`} given ({result.keySource.replace('_', ' ')})
        </Text>
      </Alert>
      <Table verticalSpacing={4} withTableBorder>
        <Table.Tbody>
          {result.checks.map((c) => (
            <Table.Tr key={c.check}>
              <Table.Td w={120}>
                <Text size="sm" fw={600}>
                  {CHECK_NAMES[c.check]}
                </Text>
              </Table.Td>
              <Table.Td w={32}>
                <Text c={RESULT_MARK[c.result].color} fw={700} aria-label={RESULT_MARK[c.result].label}>
                  {RESULT_MARK[c.result].mark}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ wordBreak: 'break-word' }}>
                  {c.detail}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

type KeyMode = 'key' | 'jwksUrl';

/**
 * Verifies a JWT against a key the user gives, not only this server's: a
 * pasted JWK, JWKS or PEM, or a JWKS URL. The server does the work
 * (`tokens.verify`): the console's page may only talk to its own origin
 * (its CSP), so it could not fetch another JWKS URL itself, and one code
 * path judges pasted keys and fetched ones alike.
 */
export function VerifyPanel({ token, initialKey }: { token: string; initialKey?: string }) {
  const { connection } = useAdmin();
  const status = useAdminQuery('server.status', {});
  const issuer = status.data?.issuer;
  const [mode, setMode] = useState<KeyMode>(initialKey ? 'key' : 'jwksUrl');
  const [key, setKey] = useState(initialKey ?? '');
  const [url, setUrl] = useState<string | null>(null);
  const [expectedIssuer, setExpectedIssuer] = useState('');
  const [expectedAudience, setExpectedAudience] = useState('');
  const verify = useMutation<TokenVerification, AdminError, TokensVerifyInput>({ mutationFn: (input) => connection.client.tokens.verify(input) });
  const jwksUrl = url ?? (issuer ? endpointUrl(issuer, '/oauth/jwks') : '');
  // Not a form with state of its own (@mantine/form): the server's message for each of its four fields is read off the error.
  const errors = Object.fromEntries(VERIFY_FIELDS.map((field) => [field, verify.error?.fieldMessage(field)]));
  const otherError = verify.error && VERIFY_FIELDS.every((field) => !errors[field]) ? verify.error : null;
  const ready = mode === 'key' ? key.trim() !== '' : jwksUrl.trim() !== '';

  return (
    <Stack gap="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          verify.mutate({
            token,
            ...(mode === 'key' ? { key: key.trim() } : { jwksUrl: jwksUrl.trim() }),
            ...(expectedIssuer.trim() ? { expectedIssuer: expectedIssuer.trim() } : {}),
            ...(expectedAudience.trim() ? { expectedAudience: expectedAudience.trim() } : {}),
          });
        }}
      >
        <Stack gap="sm">
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as KeyMode)}
            data={[
              { value: 'jwksUrl', label: 'JWKS URL' },
              { value: 'key', label: 'Pasted key' },
            ]}
            aria-label="Verify against"
            w="fit-content"
          />
          {mode === 'key' ? (
            <Textarea
              label="Public key"
              description="A JWK, a JWKS ({ &quot;keys&quot;: [...] }) or PEM (public key or certificate). Not stored."
              placeholder={'{"kty":"RSA","kid":"…","n":"…","e":"AQAB"}  or  -----BEGIN PUBLIC KEY-----'}
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
              error={errors.key}
              autosize
              minRows={3}
              maxRows={10}
              spellCheck={false}
              autoComplete="off"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
            />
          ) : (
            <TextInput
              label="JWKS URL"
              description="Fetched by the server (loopback allowed), at most 64 KB within 5 s; redirects are not followed."
              value={jwksUrl}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={errors.jwksUrl}
              spellCheck={false}
              autoComplete="off"
            />
          )}
          <Group grow align="flex-start">
            <TextInput
              label="Expected issuer"
              description="Optional: checked when given"
              placeholder={issuer ?? 'https://issuer.example'}
              value={expectedIssuer}
              onChange={(e) => setExpectedIssuer(e.currentTarget.value)}
              error={errors.expectedIssuer}
              rightSectionWidth={110}
              rightSection={
                issuer ? (
                  <Button size="compact-xs" variant="subtle" onClick={() => setExpectedIssuer(issuer)}>
                    this server
                  </Button>
                ) : null
              }
            />
            <TextInput
              label="Expected audience"
              description="Optional: a client id or a resource"
              value={expectedAudience}
              onChange={(e) => setExpectedAudience(e.currentTarget.value)}
              error={errors.expectedAudience}
            />
          </Group>
          <Group>
            <Button type="submit" disabled={!ready} loading={verify.isPending}>
              Verify
            </Button>
          </Group>
        </Stack>
      </form>
      {otherError ? <ErrorAlert error={otherError} /> : null}
      {verify.data && !verify.isPending ? <VerifyVerdict result={verify.data} /> : null}
    </Stack>
  );
}
