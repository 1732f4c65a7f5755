import { useState } from 'react';
import { Badge, Button, Card, Group, NumberInput, Radio, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { settingsUpdateInput, type Settings } from '../../../../shared/contract';
import { CONSENT_POLICIES, REGISTRATION_POLICIES, type ConsentPolicy, type RegistrationPolicy } from '../../../../shared/settings';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { useLookups, workspaceOptions } from '../../admin/lookups';
import { TimeAgo } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue, Field } from '../../components/copy';
import { ErrorAlert, QueryState } from '../../components/feedback';
import { IconKey, IconRefresh } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { SecretOnceDialog } from '../../components/SecretOnceDialog';
import { describeSeconds, formatDateTime } from '../../lib/format';
import { ConfigurationCard } from './ConfigurationCard';
import { FormAttention } from '../../components/FormAttention';
import { useContractForm } from '../../lib/use-contract-form';

type Lifetime = 'authorizationCodeTtl' | 'accessTokenTtl' | 'refreshTokenTtl' | 'clientCredentialsTtl' | 'idTokenTtl' | 'sessionTtl';

const LIFETIMES: Array<{ key: Lifetime; label: string; help: string }> = [
  { key: 'authorizationCodeTtl', label: 'Authorization code', help: 'Single use; seeds: 5 minutes' },
  { key: 'accessTokenTtl', label: 'Access token', help: 'Seeds: 24 hours' },
  { key: 'refreshTokenTtl', label: 'Refresh token', help: '0 keeps it valid until revoked; rotates on every use' },
  { key: 'clientCredentialsTtl', label: 'Client-credentials token', help: 'Tokens an app gets for itself' },
  { key: 'idTokenTtl', label: 'ID token', help: 'Seeds: 1 hour' },
  { key: 'sessionTtl', label: 'Sign-in session', help: 'How long the sign-in page remembers a user' },
];

type RateLimit = 'tokenRequestsPerMinute' | 'tokenFailuresPerMinute' | 'registrationsPerMinute' | 'signInPostsPerMinute' | 'adminFailuresPerMinute';

const RATE_LIMITS: Array<{ key: RateLimit; label: string; help: string }> = [
  { key: 'tokenRequestsPerMinute', label: 'Token requests', help: 'Per app and address; loopback is exempt' },
  { key: 'tokenFailuresPerMinute', label: 'Failed token requests', help: 'Per app and address, loopback included' },
  { key: 'registrationsPerMinute', label: 'Registrations', help: 'Per address; loopback is exempt' },
  { key: 'signInPostsPerMinute', label: 'Sign-in and consent posts', help: 'Per address; loopback is exempt' },
  { key: 'adminFailuresPerMinute', label: 'Wrong admin tokens', help: 'Per address, loopback included' },
];

const CONSENT_HELP: Record<ConsentPolicy, string> = {
  prompt: 'Show the consent screen (the default).',
  'auto-approve': 'Skip the screens: sign in the login_hint user (else the app workspace’s owner) and approve. For automated tests.',
  'auto-deny': 'Refuse every authorization request with access_denied.',
};

const REGISTRATION_HELP: Record<RegistrationPolicy, string> = {
  open: 'Anyone on this machine may register a client (RFC 7591).',
  'initial-access-token': 'Registration needs an initial access token (401 without one).',
  off: 'Dynamic registration is refused (403).',
};

const LABELS = {
  ...Object.fromEntries([...LIFETIMES, ...RATE_LIMITS].map(({ key, label }) => [key, label])),
  rateLimitsEnabled: 'Rate limits enabled',
  activityRetentionDays: 'Keep events for',
  consentPolicy: 'Consent policy',
  registrationPolicy: 'Dynamic registration',
  registrationWorkspaceId: 'Workspace for registered clients',
  defaultScope: 'Default scope',
  allowLoopbackMetadataDocuments: 'Allow Client ID Metadata Documents on this machine',
};

/** The settings the form has changed (dirty in the form's own tracking): settings.update takes only those. */
function changedOf(form: { isDirty: (path: keyof Settings) => boolean }, values: Settings): Partial<Settings> {
  return Object.fromEntries((Object.keys(values) as Array<keyof Settings>).filter((key) => form.isDirty(key)).map((key) => [key, values[key]]));
}

function SettingsForm({ settings }: { settings: Settings }) {
  const lookups = useLookups();
  const update = useAdminMutation('settings.update');
  const { form, root, onSubmit, failure, labels } = useContractForm({
    schema: settingsUpdateInput,
    toInput: (values: Settings) => values,
    labels: LABELS,
    initialValues: settings,
    send: (values, settingsForm) => update.mutateAsync(changedOf(settingsForm, values)),
    onSuccess: () => notifications.show({ color: 'teal', title: 'Settings saved', message: 'They apply to new requests at once, no restart needed.' }),
  });
  const values = form.values;
  const changed = Object.keys(changedOf(form, values)).length;
  return (
    <form ref={root} noValidate onSubmit={onSubmit}>
      <Stack gap="lg">
        <Card withBorder padding="lg">
          <Title order={3} mb="xs">
            Lifetimes
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            In seconds. Tokens already issued keep the lifetime they were issued with.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {LIFETIMES.map(({ key, label, help }) => (
              <NumberInput
                key={key}
                label={label}
                description={`${help}${values[key] ? ` · now ${describeSeconds(values[key])}` : key === 'refreshTokenTtl' ? ' · now until revoked' : ''}`}
                {...form.getInputProps(key)}
                onChange={(v) => form.setFieldValue(key, typeof v === 'number' ? v : Number(v) || 0)}
                min={key === 'refreshTokenTtl' ? 0 : 1}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator=" "
                suffix=" s"
              />
            ))}
          </SimpleGrid>
        </Card>
        <Card withBorder padding="lg">
          <Group justify="space-between" mb="xs">
            <Title order={3}>Rate limits</Title>
            <Switch label="Enabled" {...form.getInputProps('rateLimitsEnabled', { type: 'checkbox' })} />
          </Group>
          <Text size="sm" c="dimmed" mb="md">
            Per minute; 0 turns one limit off. Over a limit the server answers 429 with Retry-After. Behind a proxy (--public-url) loopback is not exempt.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {RATE_LIMITS.map(({ key, label, help }) => (
              <NumberInput
                key={key}
                label={label}
                description={help}
                {...form.getInputProps(key)}
                onChange={(v) => form.setFieldValue(key, typeof v === 'number' ? v : Number(v) || 0)}
                min={0}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator=" "
                suffix=" / min"
                disabled={!values.rateLimitsEnabled}
              />
            ))}
          </SimpleGrid>
        </Card>
        <Card withBorder padding="lg">
          <Title order={3} mb="xs">
            Activity log
          </Title>
          <NumberInput
            label={LABELS.activityRetentionDays}
            description="Older events are deleted by the sweeper (every 10 minutes); export the log first to keep a copy."
            {...form.getInputProps('activityRetentionDays')}
            onChange={(v) => form.setFieldValue('activityRetentionDays', typeof v === 'number' ? v : Number(v) || 0)}
            min={1}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            suffix=" days"
            maw={320}
          />
        </Card>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Card withBorder padding="lg">
            <Radio.Group
              label={<Title order={3}>{LABELS.consentPolicy}</Title>}
              description="For every app that does not set its own."
              {...form.getInputProps('consentPolicy')}
            >
              <Stack gap="sm" mt="sm">
                {CONSENT_POLICIES.map((p) => (
                  <Radio key={p} value={p} label={p} description={CONSENT_HELP[p]} />
                ))}
              </Stack>
            </Radio.Group>
          </Card>
          <Card withBorder padding="lg">
            <Stack>
              <Radio.Group
                label={<Title order={3}>{LABELS.registrationPolicy}</Title>}
                description="Clients that register themselves at /oauth/register appear as apps with origin dynamic."
                {...form.getInputProps('registrationPolicy')}
              >
                <Stack gap="sm" mt="sm">
                  {REGISTRATION_POLICIES.map((p) => (
                    <Radio key={p} value={p} label={p} description={REGISTRATION_HELP[p]} />
                  ))}
                </Stack>
              </Radio.Group>
              <Select
                label={LABELS.registrationWorkspaceId}
                placeholder="The oldest workspace"
                data={workspaceOptions(lookups.workspaces)}
                {...form.getInputProps('registrationWorkspaceId')}
                clearable
              />
            </Stack>
          </Card>
        </SimpleGrid>
        <Card withBorder padding="lg">
          <Title order={3} mb="xs">
            MCP clients
          </Title>
          <Stack gap="md">
            <TextInput
              label={LABELS.defaultScope}
              description="What an authorization, device or pushed request without scope asks for when its app has no registered scope (the MCP SDK sends none). Space-separated catalog scopes; empty fills in nothing."
              {...form.getInputProps('defaultScope')}
              className="mono"
            />
            <Switch
              label={LABELS.allowLoopbackMetadataDocuments}
              description="A client_id that is an https URL names the client's metadata document, fetched and cached. On: documents at http://localhost or 127.0.0.1 URLs too, for local development. Off (the default): only public https hosts."
              {...form.getInputProps('allowLoopbackMetadataDocuments', { type: 'checkbox' })}
            />
          </Stack>
        </Card>
        <FormAttention errors={form.errors} labels={labels} />
        {failure ? <ErrorAlert error={failure} /> : null}
        <Group justify="flex-end">
          <Text size="sm" c="dimmed">
            {changed ? `${changed} unsaved change${changed === 1 ? '' : 's'}` : 'No unsaved changes'}
          </Text>
          <Button variant="default" disabled={!changed} onClick={form.reset}>
            Discard
          </Button>
          <Button type="submit" disabled={!changed} loading={form.submitting}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function InitialAccessToken() {
  const create = useAdminMutation('registration.createInitialAccessToken');
  const [expiresIn, setExpiresIn] = useState('86400');
  const [issued, setIssued] = useState<{ token: string; endpoint: string; expiresAt: number } | null>(null);
  return (
    <Stack gap="sm">
      <Text size="sm">
        With the <code>initial-access-token</code> policy, clients send one as <code>Authorization: Bearer</code> when they register.
      </Text>
      <Group align="flex-end">
        <Select
          label="Valid for"
          data={[
            { value: '3600', label: '1 hour' },
            { value: '86400', label: '1 day' },
            { value: String(7 * 86400), label: '7 days' },
            { value: String(30 * 86400), label: '30 days' },
          ]}
          value={expiresIn}
          onChange={(v) => setExpiresIn(v ?? '86400')}
          allowDeselect={false}
          w={140}
        />
        <Button
          variant="default"
          leftSection={<IconKey size={16} />}
          loading={create.isPending}
          onClick={() =>
            create.mutate({ expiresIn: Number(expiresIn) }, { onSuccess: (r) => setIssued({ token: r.token, endpoint: r.registrationEndpoint, expiresAt: r.expiresAt }) })
          }
        >
          Issue a token
        </Button>
      </Group>
      {create.error ? <ErrorAlert error={create.error} /> : null}
      <SecretOnceDialog
        secret={issued?.token ?? null}
        kind="initial access token"
        extras={issued ? [{ label: `Registration endpoint (token valid until ${formatDateTime(issued.expiresAt)})`, value: issued.endpoint }] : []}
        onClose={() => setIssued(null)}
      />
    </Stack>
  );
}

/** Lifetimes, consent and registration policies, signing keys and where the data lives. */
export function SettingsScreen() {
  const settings = useAdminQuery('settings.get', {});
  const status = useAdminQuery('server.status', {});
  const rotate = useAdminMutation('server.rotateKeys');
  const s = status.data;
  return (
    <>
      <PageHeader title="Settings" description="They are stored in the database and apply without a restart." />
      <Stack gap="lg">
        <QueryState query={settings} loadingLabel="Loading settings…">
          {settings.data ? <SettingsForm key={JSON.stringify(settings.data)} settings={settings.data} /> : null}
        </QueryState>
        <Card withBorder padding="lg">
          <Title order={3} mb="sm">
            Initial access tokens
          </Title>
          <InitialAccessToken />
        </Card>
        <ConfigurationCard />
        <QueryState query={status}>
          {s ? (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Card withBorder padding="lg">
                <Group justify="space-between" mb="sm">
                  <Title order={3}>Signing keys</Title>
                  <ConfirmButton
                    label="Rotate keys"
                    icon={<IconRefresh size={16} />}
                    color="orange"
                    title="Rotate the signing keys?"
                    confirmLabel="Rotate keys"
                    action={() => rotate.mutateAsync({})}
                    onDone={(r) =>
                      notifications.show({ color: 'teal', title: 'Keys rotated', message: `New active keys: ${(r as { activeKids: string[] }).activeKids.join(', ')}` })
                    }
                  >
                    <Text size="sm">
                      New RS256 and ES256 keys sign from now on. The current keys are retired but stay in the JWKS, so tokens signed with them still verify.
                    </Text>
                  </ConfirmButton>
                </Group>
                <Table verticalSpacing={6}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Key id</Table.Th>
                      <Table.Th>Algorithm</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Created</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {s.signingKeys.map((k) => (
                      <Table.Tr key={k.kid}>
                        <Table.Td>
                          <Text className="mono">{k.kid}</Text>
                        </Table.Td>
                        <Table.Td>{k.alg}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={k.status === 'active' ? 'teal' : 'gray'} size="sm">
                            {k.status}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <TimeAgo at={k.createdAt} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Card>
              <Card withBorder padding="lg">
                <Title order={3} mb="sm">
                  Data folder
                </Title>
                <Stack gap="sm">
                  <Field label="Folder">
                    <CopyValue value={s.dataDir} label="data folder path" />
                  </Field>
                  <Field label={s.databaseDialect === 'postgres' ? 'Database (PostgreSQL)' : 'Database'}>
                    <CopyValue value={s.databaseFile} label={s.databaseDialect === 'postgres' ? 'database URL' : 'database file path'} />
                  </Field>
                  <Field label="Master key">
                    <Text size="sm">{s.masterKeyKind}</Text>
                  </Field>
                  <Field label="Schema version">
                    <Text size="sm">
                      {s.schemaVersion}
                      {s.schemaVersion === s.latestSchemaVersion ? ' (newest)' : ` (newest known: ${s.latestSchemaVersion})`}
                    </Text>
                  </Field>
                  <Text size="xs" c="dimmed">
                    To use another folder, start the server with <code>--data-dir</code> (or set <code>OAUTH_CONSOLE_DATA_DIR</code>).
                  </Text>
                </Stack>
              </Card>
            </SimpleGrid>
          ) : null}
        </QueryState>
      </Stack>
    </>
  );
}
