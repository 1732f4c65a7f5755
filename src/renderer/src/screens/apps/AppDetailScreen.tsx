import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Radio, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { DEVICE_CODE_GRANT, type AppsUpdateInput } from '../../../../shared/contract';
import { CONSENT_POLICIES, type ConsentPolicy } from '../../../../shared/settings';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { useLookups } from '../../admin/lookups';
import { ConsentPolicyBadge, ScopeBadges, TimeAgo } from '../../components/badges';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue, Field } from '../../components/copy';
import { ErrorAlert, QueryState } from '../../components/feedback';
import { IconArrowLeft, IconKey, IconShield, IconTrash } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { SecretOnceDialog } from '../../components/SecretOnceDialog';
import { formatDateTime, plural } from '../../lib/format';
import { ConnectionsPanel } from '../connections/ConnectionsPanel';
import { MintDialog } from '../tokens/mint/MintDialog';
import { TokensPanel } from '../tokens/TokensPanel';
import { ExpireNowButton } from '../tokens/ExpireNowButton';
import { WebhooksPanel } from './webhooks/WebhooksPanel';
import { appFormFromApp } from './app-form-model';
import { AppForm } from './AppForm';
import { ID_TOKEN_CLAIMS_TEXT, PKCE_POLICY_TEXT, SINGLE_LIVE_TOKEN_TEXT } from './app-policies';

const POLICY_HELP: Record<ConsentPolicy, string> = {
  prompt: 'Users see the consent screen and choose.',
  'auto-approve': 'The screen is skipped: the login_hint user (else the workspace owner) is signed in and approves. For automated tests.',
  'auto-deny': 'Every authorization request is refused with access_denied. For testing the unhappy path.',
};

/** What a change of the app's consent policy did, for its toast. */
function policyChanged(appName: string, policy: ConsentPolicy | null, serverPolicy: ConsentPolicy | undefined): string {
  if (policy !== null) return `${appName}: ${policy} from the next authorization request.`;
  return `${appName} follows the server setting${serverPolicy ? ` (${serverPolicy})` : ''} now.`;
}

function ConsentPolicyCard({ appId, appName, policy, effective }: { appId: string; appName: string; policy: ConsentPolicy | null; effective: ConsentPolicy }) {
  // "Follow the server setting" names the server's policy, not this app's own (which may differ).
  const serverPolicy = useAdminQuery('settings.get', {}).data?.consentPolicy;
  const setPolicy = useAdminMutation('apps.setConsentPolicy', {
    onSuccess: (_app, input) => notifications.show({ color: 'teal', title: 'Consent policy changed', message: policyChanged(appName, input.consentPolicy, serverPolicy) }),
  });
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Group justify="space-between">
          <Text fw={700}>Consent policy</Text>
          <ConsentPolicyBadge policy={effective} inherited={policy === null} />
        </Group>
        <Radio.Group
          value={policy ?? 'server'}
          onChange={(v) => setPolicy.mutate({ id: appId, consentPolicy: v === 'server' ? null : (v as ConsentPolicy) })}
          aria-label="Consent policy of this app"
        >
          <Stack gap="sm">
            <Radio value="server" label="Follow the server setting" description={serverPolicy ? `The server's setting is ${serverPolicy} (change it in Settings)` : 'Change it in Settings'} disabled={setPolicy.isPending} />
            {CONSENT_POLICIES.map((p) => (
              <Radio key={p} value={p} label={p} description={POLICY_HELP[p]} disabled={setPolicy.isPending} />
            ))}
          </Stack>
        </Radio.Group>
        {setPolicy.error ? <ErrorAlert error={setPolicy.error} /> : null}
      </Stack>
    </Card>
  );
}

/** One app: its credentials, settings, consent policy, tokens and connections. */
export function AppDetailScreen() {
  const { appId = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'overview';
  const app = useAdminQuery('apps.get', { id: appId });
  const lookups = useLookups();
  const update = useAdminMutation('apps.update');
  const rotate = useAdminMutation('apps.rotateSecret');
  const remove = useAdminMutation('apps.delete');
  const [secret, setSecret] = useState<string | null>(null);
  const [minting, setMinting] = useState(false);
  const a = app.data;

  return (
    <>
      <Anchor component={Link} to="/apps" size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> Apps
      </Anchor>
      <QueryState query={app} loadingLabel="Loading the app…">
        {a ? (
          <>
            <PageHeader
              title={
                <Group gap="sm">
                  {a.name}
                  <Badge variant="light" color={a.clientType === 'confidential' ? 'indigo' : 'cyan'}>
                    {a.clientType}
                  </Badge>
                  <Badge variant="light" color="gray">
                    {a.environment}
                  </Badge>
                </Group>
              }
              description={a.description ?? `Created ${formatDateTime(a.createdAt)} (${a.origin})`}
              actions={
                <>
                  <Button component={Link} to={`/consent?app=${encodeURIComponent(a.id)}`} variant="default" leftSection={<IconShield size={16} />}>
                    Preview consent
                  </Button>
                  <Button variant="default" leftSection={<IconKey size={16} />} onClick={() => setMinting(true)}>
                    Mint token
                  </Button>
                  <MintDialog opened={minting} appId={a.id} onClose={() => setMinting(false)} />
                  <ConfirmButton
                    label="Delete app"
                    icon={<IconTrash size={16} />}
                    title={`Delete ${a.name}?`}
                    confirmLabel="Delete app"
                    typeToConfirm="delete"
                    action={() => remove.mutateAsync({ id: a.id })}
                    onDone={(r) => {
                      notifications.show({
                        color: 'teal',
                        title: 'App deleted',
                        message: `${a.name} is gone; ${plural((r as { revokedTokens: number }).revokedTokens, 'live token')} revoked.`,
                      });
                      navigate('/apps');
                    }}
                  >
                    <Text size="sm">
                      The app, its redirect URIs and its secret are deleted. Its {plural(a.stats.activeTokens, 'live token')} and{' '}
                      {plural(a.stats.activeConnections, 'connection')} are revoked at once. Clients using <code>{a.id}</code> stop working.
                    </Text>
                  </ConfirmButton>
                </>
              }
            />
            <Tabs value={tab} onChange={(v) => setParams(v && v !== 'overview' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
              <Tabs.List mb="md">
                <Tabs.Tab value="overview">Overview</Tabs.Tab>
                <Tabs.Tab value="edit">Settings</Tabs.Tab>
                <Tabs.Tab value="tokens">Tokens ({a.stats.activeTokens} live)</Tabs.Tab>
                <Tabs.Tab value="connections">Connections ({a.stats.activeConnections} live)</Tabs.Tab>
                <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="overview">
                <SimpleGrid cols={{ base: 1, md: 2 }}>
                  <Card withBorder padding="lg">
                    <Stack>
                      <Text fw={700}>Credentials</Text>
                      <Field label="Client ID">
                        <CopyValue value={a.id} label="client id" />
                      </Field>
                      <Field label="Client secret">
                        {a.clientType === 'public' ? (
                          <Text size="sm" c="dimmed">
                            Public client: no secret, PKCE S256 required.
                          </Text>
                        ) : (
                          <Stack gap={6}>
                            <Text size="sm">
                              {a.secretHint ? (
                                <>
                                  Ends with <code>…{a.secretHint}</code>.{' '}
                                </>
                              ) : null}
                              Stored as a hash; it cannot be shown again.
                              {a.secretRotatedAt ? ` Rotated ${formatDateTime(a.secretRotatedAt)}.` : ''}
                            </Text>
                            <Group>
                              <ConfirmButton
                                label="Rotate secret"
                                icon={<IconKey size={16} />}
                                color="orange"
                                title="Rotate the client secret?"
                                confirmLabel="Rotate secret"
                                action={() => rotate.mutateAsync({ id: a.id })}
                                onDone={(r) => setSecret((r as { clientSecret: string | null }).clientSecret)}
                              >
                                <Text size="sm">
                                  A new secret is made and shown once. The current secret stops working at once: update every client that uses it.
                                </Text>
                              </ConfirmButton>
                            </Group>
                          </Stack>
                        )}
                      </Field>
                      <Field label="Token endpoint auth">
                        <Text size="sm">{a.tokenEndpointAuthMethod}</Text>
                      </Field>
                      <Field label="Workspace">
                        <Text size="sm">{lookups.workspaceName(a.workspaceId) ?? a.workspaceId}</Text>
                      </Field>
                    </Stack>
                  </Card>
                  <ConsentPolicyCard appId={a.id} appName={a.name} policy={a.consentPolicy} effective={a.effectiveConsentPolicy} />
                  <Card withBorder padding="lg">
                    <Stack>
                      <Text fw={700}>Flows</Text>
                      <Field label="Grant types">
                        <Group gap={4}>
                          {a.grantTypes.map((g) => (
                            <Badge key={g} variant="default" tt="none">
                              {g === DEVICE_CODE_GRANT ? 'device_code' : g}
                            </Badge>
                          ))}
                        </Group>
                      </Field>
                      <Field label="Redirect URIs">
                        {a.redirectUris.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            none
                          </Text>
                        ) : (
                          <Stack gap={2}>
                            {a.redirectUris.map((u) => (
                              <CopyValue key={u} value={u} label={`redirect URI ${u}`} />
                            ))}
                          </Stack>
                        )}
                      </Field>
                      <Field label="Actor modes">
                        <Text size="sm">{a.actorModes.join(', ')}</Text>
                      </Field>
                      <Field label="PKCE">
                        <Stack gap={2}>
                          <Group gap={6}>
                            <Badge variant="light" color={a.pkcePolicy === 'required' ? 'teal' : a.pkcePolicy === 'managed' ? 'orange' : 'gray'} tt="none">
                              {PKCE_POLICY_TEXT[a.pkcePolicy].label}
                            </Badge>
                          </Group>
                          <Text size="xs" c="dimmed">
                            {PKCE_POLICY_TEXT[a.pkcePolicy].help}
                          </Text>
                        </Stack>
                      </Field>
                      <Field label={SINGLE_LIVE_TOKEN_TEXT.label}>
                        <Stack gap={2}>
                          <Text size="sm">{a.singleLiveToken ? 'On' : 'Off: every token stays live until it expires or is revoked'}</Text>
                          {a.singleLiveToken ? (
                            <Text size="xs" c="dimmed">
                              {SINGLE_LIVE_TOKEN_TEXT.help}
                            </Text>
                          ) : null}
                        </Stack>
                      </Field>
                      <Field label={ID_TOKEN_CLAIMS_TEXT.label}>
                        <Text size="sm">{a.idTokenClaims ? 'On: the ID token carries the granted profile, email and other claims' : 'Off: the ID token carries sub only; claims come from userinfo'}</Text>
                      </Field>
                      <Field label="Scopes">
                        <ScopeBadges scopes={a.scopes} max={20} />
                      </Field>
                    </Stack>
                  </Card>
                  <Card withBorder padding="lg">
                    <Stack>
                      <Text fw={700}>Usage</Text>
                      <SimpleGrid cols={3}>
                        <Field label="Live tokens">
                          <Text fz="xl" fw={700}>
                            {a.stats.activeTokens}
                          </Text>
                        </Field>
                        <Field label="Connections">
                          <Text fz="xl" fw={700}>
                            {a.stats.activeConnections}
                          </Text>
                        </Field>
                        <Field label="Last used">
                          <TimeAgo at={a.stats.lastUsedAt} empty="never" />
                        </Field>
                      </SimpleGrid>
                      <Group>
                        <Button component={Link} to={`/activity?app=${encodeURIComponent(a.id)}`} variant="subtle" size="compact-sm">
                          Activity of this app
                        </Button>
                      </Group>
                    </Stack>
                  </Card>
                </SimpleGrid>
              </Tabs.Panel>
              <Tabs.Panel value="edit">
                <AppForm
                  key={a.updatedAt}
                  mode="edit"
                  appId={a.id}
                  initialValues={appFormFromApp(a)}
                  workspaces={lookups.workspaces}
                  onSubmit={async (input) => {
                    await update.mutateAsync(input as AppsUpdateInput);
                    notifications.show({ color: 'teal', title: 'Saved', message: `${a.name} is updated.` });
                  }}
                />
              </Tabs.Panel>
              <Tabs.Panel value="tokens">
                <Group justify="flex-end" mb="xs">
                  <ExpireNowButton target={{ appId: a.id }} what={`every token of ${a.name}`} size="sm" />
                </Group>
                <TokensPanel fixed={{ appId: a.id }} />
              </Tabs.Panel>
              <Tabs.Panel value="connections">
                <ConnectionsPanel fixed={{ appId: a.id }} />
              </Tabs.Panel>
              <Tabs.Panel value="webhooks">
                <WebhooksPanel appId={a.id} appName={a.name} />
              </Tabs.Panel>
            </Tabs>
          </>
        ) : null}
      </QueryState>
      <SecretOnceDialog
        secret={secret}
        kind="client secret"
        owner={a?.name}
        extras={a ? [{ label: 'Client ID', value: a.id }] : []}
        onClose={() => setSecret(null)}
      />
    </>
  );
}
