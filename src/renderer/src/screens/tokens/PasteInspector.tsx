import { useState } from 'react';
import { Button, Card, Group, Stack, Tabs, Text, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { AdminError, TokenInspection } from '../../../../shared/contract';
import { adminKey, useAdmin } from '../../admin/hooks';
import { useLookups } from '../../admin/lookups';
import { ErrorAlert } from '../../components/feedback';
import { TokenRevokeActions } from './TokenDetails';
import { ResignPanel } from './ResignPanel';
import { TokenInspector } from './TokenInspector';
import { VerifyPanel } from './VerifyPanel';

/**
 * Paste any token (one of ours, or a JWT from anywhere) and see what it is.
 * The value goes to the server once, to be hashed and looked up; it is kept
 * in no cache and cleared with the form.
 */
export function PasteInspector() {
  const { connection } = useAdmin();
  const lookups = useLookups();
  const [value, setValue] = useState('');
  // The inspected value stays in this component; the query key holds only a counter, so the
  // cache never holds the value. Being a query under `tokens`, live changes refresh it (last used,
  // revoked, expired) like every other token view.
  const [submitted, setSubmitted] = useState<{ n: number; value: string } | null>(null);
  const inspect = useQuery<TokenInspection, AdminError>({
    queryKey: [...adminKey('tokens.inspect'), 'pasted', submitted?.n ?? 0],
    queryFn: () => connection.client.tokens.inspect({ value: submitted!.value }),
    enabled: submitted !== null,
    gcTime: 0,
  });
  const run = (v: string) => setSubmitted((prev) => ({ n: (prev?.n ?? 0) + 1, value: v }));
  // The value the shown answer is about (the field may have changed since).
  const inspected = submitted?.value ?? null;
  const token = inspected !== null ? (inspect.data?.token ?? null) : null;
  return (
    <Stack>
      <Card withBorder padding="lg">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) run(value.trim());
          }}
        >
          <Stack gap="sm">
            <Textarea
              label="Token"
              description="An access, refresh or client-credentials token, an authorization code, or any JWT."
              placeholder="oc_at_…  or  eyJhbGciOi…"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              autosize
              minRows={3}
              maxRows={10}
              spellCheck={false}
              autoComplete="off"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
            />
            <Group>
              <Button type="submit" disabled={!value.trim()} loading={inspect.isFetching && inspect.data === undefined}>
                Inspect
              </Button>
              <Button
                variant="default"
                onClick={() => {
                  setValue('');
                  setSubmitted(null);
                }}
                disabled={!value && !submitted}
              >
                Clear
              </Button>
              <Text size="xs" c="dimmed">
                Only its hash is looked up; the value is never stored or logged.
              </Text>
            </Group>
          </Stack>
        </form>
      </Card>
      {inspected !== null && inspect.error ? <ErrorAlert error={inspect.error} /> : null}
      {inspect.data && inspected !== null ? (
        <Card withBorder padding="lg">
          <Stack>
            {token ? <TokenRevokeActions token={token} onRevoked={() => void inspect.refetch()} /> : null}
            {inspect.data.format === 'jwt' ? (
              <Tabs defaultValue="inspect" keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab value="inspect">Inspect</Tabs.Tab>
                  <Tabs.Tab value="verify">Verify with a key</Tabs.Tab>
                  <Tabs.Tab value="resign">Edit and re-sign</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="inspect" pt="md">
                  <TokenInspector inspection={inspect.data} names={lookups} raw={inspected} />
                </Tabs.Panel>
                <Tabs.Panel value="verify" pt="md">
                  <VerifyPanel token={inspected} />
                </Tabs.Panel>
                <Tabs.Panel value="resign" pt="md">
                  <ResignPanel token={inspected} />
                </Tabs.Panel>
              </Tabs>
            ) : (
              <TokenInspector inspection={inspect.data} names={lookups} raw={inspected} />
            )}
          </Stack>
        </Card>
      ) : null}
    </Stack>
  );
}
