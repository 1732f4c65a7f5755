import { Alert, Button, Card, Code, Grid, Group, MultiSelect, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { ConsentScreen } from '../../../../shared/consent/ConsentScreen';
import type { ProcedureInput } from '../../../../shared/contract';
import { findScope, type ActorMode } from '../../../../shared/scopes';
import { useAdminQuery } from '../../admin/hooks';
import { appOptions, useLookups, userOptions } from '../../admin/lookups';
import { CopyIconButton, CopyValue, Field } from '../../components/copy';
import { Empty, QueryState } from '../../components/feedback';
import { IconExternal } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { useSearchFilters } from '../../lib/use-search-filters';

const FILTERS = ['app', 'user', 'workspace', 'scopes', 'actor', 'resource', 'redirect'] as const;

/** Opens the real authorization request in the system browser (the shell routes new windows there) or a new tab. */
function openExternally(url: string) {
  window.open(url, '_blank', 'noopener,noreferrer');
}

/**
 * Pick an app, a user, a workspace and scopes, and see the consent screen
 * exactly as the server will render it: the same component, fed by the
 * server's own view model.
 */
export function ConsentPreviewScreen() {
  const lookups = useLookups();
  const { values, set, update } = useSearchFilters(FILTERS);
  const app = lookups.apps.find((a) => a.id === values.app) ?? lookups.apps[0];
  const user = lookups.users.find((u) => u.id === values.user) ?? lookups.users.find((u) => app && u.memberships.some((m) => m.workspaceId === app.workspaceId)) ?? lookups.users[0];
  const scopes = values.scopes ? values.scopes.split(' ').filter(Boolean) : undefined;
  const actor = (values.actor as ActorMode | undefined) ?? undefined;
  const resources = useAdminQuery('resources.list', {});
  const resource = resources.data?.items.find((rs) => rs.id === values.resource);
  const redirectUri = app?.redirectUris.includes(values.redirect ?? '') ? values.redirect : undefined;
  const input: ProcedureInput<'consent.preview'> | null =
    app && user
      ? {
          appId: app.id,
          userId: user.id,
          ...(values.workspace ? { workspaceId: values.workspace } : {}),
          ...(scopes ? { scopes } : {}),
          ...(actor && app.actorModes.includes(actor) ? { actor } : {}),
          ...(resource ? { resourceId: resource.id } : {}),
          ...(redirectUri ? { redirectUri } : {}),
        }
      : null;
  const preview = useAdminQuery('consent.preview', input ?? { appId: '', userId: '' }, { enabled: input !== null });
  const p = preview.data;
  const ready = lookups.apps.length > 0 && lookups.users.length > 0;

  return (
    <>
      <PageHeader title="Consent preview" description="The consent screen a user would see, rendered by the very component the server uses." />
      {!ready ? (
        <Empty title="Nothing to preview yet" description="The preview needs at least one app and one user." />
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Card withBorder padding="lg">
              <Stack>
                <Select
                  label="App"
                  data={appOptions(lookups.apps)}
                  value={app?.id ?? null}
                  onChange={(v) => update({ app: v, scopes: null, actor: null, redirect: null })}
                  allowDeselect={false}
                  searchable
                />
                <Select
                  label="User"
                  data={userOptions(lookups.users)}
                  value={user?.id ?? null}
                  onChange={(v) => update({ user: v, workspace: null })}
                  allowDeselect={false}
                  searchable
                />
                <Select
                  label="Resource"
                  placeholder="None (no resource indicator)"
                  description="The API the token is for (RFC 8707 resource); its own scopes become available."
                  data={(resources.data?.items ?? []).map((rs) => ({ value: rs.id, label: `${rs.name} (${rs.identifier})` }))}
                  value={resource?.id ?? null}
                  onChange={(v) => update({ resource: v, scopes: null })}
                  clearable
                />
                <Select
                  label="Workspace pre-selected"
                  placeholder="The app's workspace"
                  data={(user?.memberships ?? []).map((m) => ({ value: m.workspaceId, label: `${m.workspaceName} (${m.role})` }))}
                  value={values.workspace ?? null}
                  onChange={(v) => set('workspace', v)}
                  clearable
                  description={user && user.memberships.length === 0 ? 'This user belongs to no workspace: the screen will say so.' : undefined}
                />
                <MultiSelect
                  label="Scopes requested"
                  description="All of the app’s scopes unless you remove some"

                  data={[...(app?.scopes ?? []), ...(resource?.customScopes.map((s) => s.name) ?? [])].map((s) => ({ value: s, label: s }))}
                  value={scopes ?? app?.scopes ?? []}
                  onChange={(v) => set('scopes', v.length ? v.join(' ') : null)}
                  renderOption={({ option }) => (
                    <div>
                      <Text size="sm" className="mono">
                        {option.value}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {findScope(option.value)?.description}
                      </Text>
                    </div>
                  )}
                  searchable
                />
                {app ? (
                  <Select
                    label="Redirect URI"
                    description="Where the real request returns; the app's registered URIs, matched exactly"
                    data={app.redirectUris}
                    value={redirectUri ?? app.redirectUris[0] ?? null}
                    onChange={(v) => set('redirect', v === app.redirectUris[0] ? null : v)}
                    allowDeselect={false}
                    disabled={app.redirectUris.length < 2}
                  />
                ) : null}
                {app ? (
                  <div>
                    <Text size="sm" fw={600} mb={4} id="actor-label">
                      Acts as
                    </Text>
                    {app.actorModes.length > 1 ? (
                      <SegmentedControl
                        aria-labelledby="actor-label"
                        value={actor ?? app.actorModes[0]!}
                        onChange={(v) => set('actor', v)}
                        data={app.actorModes.map((m) => ({ value: m, label: m }))}
                      />
                    ) : (
                      <Text size="sm" c="dimmed" aria-labelledby="actor-label">
                        {app.actorModes[0] ?? 'self'}: the only actor mode this app allows
                      </Text>
                    )}
                  </div>
                ) : null}
                {p ? (
                  <Stack gap="sm">
                    {p.effectiveConsentPolicy !== 'prompt' ? (
                      <Alert color="orange" variant="light" title={`This app's consent policy is ${p.effectiveConsentPolicy}`}>
                        The real request will not show this screen:{' '}
                        {p.effectiveConsentPolicy === 'auto-approve' ? 'it signs the user in and approves on its own.' : 'it is refused with access_denied.'}
                      </Alert>
                    ) : null}
                    <Field label="Authorization URL">
                      <Group gap={4} wrap="nowrap" align="flex-start">
                        <Code block data-testid="authorization-url" style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap', maxHeight: 120, overflow: 'auto' }}>
                          {p.authorizationUrl}
                        </Code>
                        <CopyIconButton value={p.authorizationUrl} label="authorization URL" />
                      </Group>
                    </Field>
                    <Field label="PKCE code verifier (to finish the flow by hand)">
                      <div data-testid="code-verifier" data-value={p.codeVerifier}>
                        <CopyValue value={p.codeVerifier} label="code verifier" truncate />
                      </div>
                    </Field>
                    <Field label="State">
                      <Text size="sm" className="mono">
                        {p.state}
                      </Text>
                    </Field>
                    <Group>
                      <Button leftSection={<IconExternal size={16} />} onClick={() => openExternally(p.authorizationUrl)}>
                        Open the real authorization URL
                      </Button>
                    </Group>
                    <Text size="xs" c="dimmed">
                      The URL names {user?.name ?? 'the user'} (<code>login_hint</code>): a browser signed in as someone else shows the sign-in page with{' '}
                      {user?.name ?? 'them'} chosen, and signing in ends the other user's session there.
                    </Text>
                  </Stack>
                ) : null}
              </Stack>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <QueryState query={preview} loadingLabel="Rendering the preview…">
              {p ? (
                <div className="consent-preview" aria-label="Consent screen preview" role="region">
                  <ConsentScreen model={{ ...p.model, preview: true }} />
                </div>
              ) : null}
            </QueryState>
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}
