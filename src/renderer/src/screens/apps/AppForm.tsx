import type { ReactNode } from 'react';
import {
  ActionIcon,
  Autocomplete,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Input,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from '@mantine/core';
import { DEVICE_CODE_GRANT, GRANT_TYPES, PKCE_POLICIES, type AppsCreateInput, type AppsUpdateInput, type Workspace } from '../../../../shared/contract';
import { ACTOR_DESCRIPTIONS, ACTOR_MODES, FULL_ACCESS_SCOPE, SCOPE_CATALOG, type ScopeDefinition } from '../../../../shared/scopes';
import { CONSENT_POLICIES, type ConsentPolicy } from '../../../../shared/settings';
import { ErrorAlert } from '../../components/feedback';
import { FormAttention } from '../../components/FormAttention';
import { useContractForm, type ContractForm } from '../../lib/use-contract-form';
import { IconPlus, IconTrash } from '../../components/icons';
import { ID_TOKEN_CLAIMS_TEXT, PKCE_POLICY_TEXT, SINGLE_LIVE_TOKEN_TEXT } from './app-policies';
import { APP_FIELD_LABELS as LABELS, appFormSpec, type AppEditInput, type AppFormValues } from './app-form-model';
import { LifetimeFields } from './LifetimeFields';

/** Grants that need a client secret: not offered to a public app. */
const CONFIDENTIAL_ONLY_GRANTS = new Set(['client_credentials']);

const GRANT_LABELS: Record<string, { label: string; description: string }> = {
  authorization_code: { label: 'Authorization code', description: 'Users sign in and consent in the browser (with PKCE)' },
  refresh_token: { label: 'Refresh token', description: 'Keep access without asking again; rotates on every use' },
  client_credentials: { label: 'Client credentials', description: 'The app gets a token for itself, no user (confidential only)' },
  [DEVICE_CODE_GRANT]: { label: 'Device code', description: 'A CLI or TV shows a code; the user approves it in a browser (RFC 8628)' },
};

const POLICY_LABELS: Record<ConsentPolicy | 'server', string> = {
  server: 'Follow the server setting',
  prompt: 'Prompt: show the consent screen',
  'auto-approve': 'Auto-approve: skip the screen and approve',
  'auto-deny': 'Auto-deny: refuse every request (access_denied)',
};

/** Who may grant a scope, when that is more than any member. */
function scopeLimit(scope: ScopeDefinition): string {
  if (scope.name === FULL_ACCESS_SCOPE) return ' (granted only by an OWNER, to the user or the bot; never to client credentials)';
  return scope.minRole !== 'MEMBER' ? ` (${scope.minRole} or above when acting as the user)` : '';
}

export interface AppFormProps {
  mode: 'create' | 'edit';
  initialValues: AppFormValues;
  workspaces: Workspace[];
  /** Sends the contract input; rejects with an AdminError whose field errors land next to their inputs. */
  onSubmit: (input: AppsCreateInput | AppsUpdateInput) => Promise<unknown>;
  onCancel?: () => void;
  appId?: string;
  submitLabel?: string;
}

type AppFormHandle = ContractForm<AppFormValues, AppsCreateInput | AppEditInput>;

/** A list of URIs, one input per row; blank rows are not sent. */
function UriList({
  form,
  field,
  description,
  placeholder,
  addLabel,
}: {
  form: AppFormHandle;
  field: 'redirectUris' | 'postLogoutRedirectUris';
  description: string;
  placeholder: string;
  addLabel: string;
}) {
  const label = LABELS[field];
  return (
    <Input.Wrapper label={label} description={description} error={form.errors[field]} data-path={field}>
      <Stack gap={6} mt={6}>
        {form.values[field].map((_, index) => (
          <Group key={index} gap={6} align="flex-start" wrap="nowrap">
            <TextInput style={{ flex: 1 }} placeholder={placeholder} aria-label={`${label} ${index + 1}`} spellCheck={false} {...form.getInputProps(`${field}.${index}`)} />
            <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Remove ${label} ${index + 1}`} onClick={() => form.removeListItem(field, index)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem(field, '')}>
            {addLabel}
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

function Section({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <Fieldset legend={legend} variant="filled" radius="md">
      <Stack gap="md">{children}</Stack>
    </Fieldset>
  );
}

/**
 * Create and edit an app. Checks run as the server's do (the contract's
 * schemas) before sending; what the server still refuses comes back as
 * field errors and is shown next to the same inputs.
 */
export function AppForm({ mode, initialValues, workspaces, onSubmit, onCancel, appId, submitLabel }: AppFormProps) {
  const { form, root, onSubmit: submit, failure, labels } = useContractForm({
    ...appFormSpec(mode, initialValues.clientType),
    initialValues,
    send: (input) => onSubmit(mode === 'edit' ? { ...(input as AppEditInput), id: appId ?? '' } : (input as AppsCreateInput)),
  });
  const values = form.values;
  return (
    <form ref={root} noValidate onSubmit={submit} aria-label={mode === 'create' ? 'Create app' : 'Edit app'}>
      <Stack gap="lg">
        <Section legend="Identity">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={LABELS.name} withAsterisk {...form.getInputProps('name')} data-autofocus />
            <Select
              label={LABELS.workspaceId}
              withAsterisk
              data={workspaces.map((w) => ({ value: w.id, label: w.name }))}
              {...form.getInputProps('workspaceId')}
              value={values.workspaceId || null}
              onChange={(v) => form.setFieldValue('workspaceId', v ?? '')}
              disabled={mode === 'edit'}
              description={mode === 'edit' ? 'An app stays in the workspace it was created in' : 'Owners and admins of this workspace manage the app'}
              allowDeselect={false}
            />
          </SimpleGrid>
          <Textarea label={LABELS.description} {...form.getInputProps('description')} autosize minRows={2} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Autocomplete
              label={LABELS.environment}
              data={['development', 'staging', 'production', 'test']}
              {...form.getInputProps('environment')}
              description="Shown on the consent screen as a badge"
            />
            <Select
              label={LABELS.consentPolicy}
              data={(['server', ...CONSENT_POLICIES] as const).map((p) => ({ value: p, label: POLICY_LABELS[p] }))}
              {...form.getInputProps('consentPolicy')}
              allowDeselect={false}
              description="Auto-approve and auto-deny are for automated tests"
            />
          </SimpleGrid>
        </Section>

        <Section legend="Client">
          <Radio.Group
            label={LABELS.clientType}
            {...form.getInputProps('clientType')}
            onChange={(v) => {
              const clientType = v as AppFormValues['clientType'];
              const isPublic = clientType === 'public';
              // A public app has no secret to authenticate client credentials with: the choice goes, rather than failing on submit.
              const grantTypes = isPublic ? values.grantTypes.filter((g) => !CONFIDENTIAL_ONLY_GRANTS.has(g)) : values.grantTypes;
              form.setValues({ clientType, grantTypes, pkcePolicy: isPublic ? 'required' : values.pkcePolicy });
            }}
            description={mode === 'edit' ? 'The client type is fixed once the app exists' : undefined}
          >
            <Group mt={6} gap="xl">
              <Radio value="confidential" label="Confidential" description="Has a client secret (server-side apps)" disabled={mode === 'edit'} />
              <Radio value="public" label="Public" description="No secret; PKCE S256 required (SPA, mobile, CLI)" disabled={mode === 'edit'} />
            </Group>
          </Radio.Group>
          <Radio.Group
            label={LABELS.pkcePolicy}
            {...form.getInputProps('pkcePolicy')}
            description={values.clientType === 'public' ? 'Public apps always require PKCE (S256).' : 'S256 only; plain is always refused.'}
          >
            <Stack gap={6} mt={6}>
              {PKCE_POLICIES.map((p) => (
                <Radio key={p} value={p} label={PKCE_POLICY_TEXT[p].label} description={PKCE_POLICY_TEXT[p].help} disabled={values.clientType === 'public' && p !== 'required'} />
              ))}
            </Stack>
          </Radio.Group>
          <Switch
            label={SINGLE_LIVE_TOKEN_TEXT.label}
            description={SINGLE_LIVE_TOKEN_TEXT.help}
            {...form.getInputProps('singleLiveToken', { type: 'checkbox' })}
          />
          <Switch
            label={ID_TOKEN_CLAIMS_TEXT.label}
            description={ID_TOKEN_CLAIMS_TEXT.help}
            {...form.getInputProps('idTokenClaims', { type: 'checkbox' })}
          />
          {mode === 'edit' ? <LifetimeFields form={form} /> : null}
          <Checkbox.Group label={LABELS.grantTypes} {...form.getInputProps('grantTypes')} withAsterisk>
            <Stack gap={6} mt={6}>
              {GRANT_TYPES.map((g) => (
                <Checkbox
                  key={g}
                  value={g}
                  label={GRANT_LABELS[g]?.label ?? g}
                  description={GRANT_LABELS[g]?.description}
                  disabled={values.clientType === 'public' && CONFIDENTIAL_ONLY_GRANTS.has(g)}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <UriList
            form={form}
            field="redirectUris"
            description="Matched exactly, so no wildcards. https, or http on localhost / 127.0.0.1 / [::1]; native apps may use a private-use scheme. No fragments."
            addLabel="Add a redirect URI"
            placeholder="https://app.example.com/callback"
          />
          <UriList
            form={form}
            field="postLogoutRedirectUris"
            description="Where the end-session endpoint may send users back to."
            addLabel="Add a post-logout redirect URI"
            placeholder="https://app.example.com/signed-out"
          />
          <Checkbox.Group label={LABELS.actorModes} {...form.getInputProps('actorModes')} withAsterisk>
            <Stack gap={6} mt={6}>
              {ACTOR_MODES.map((mode) => (
                <Checkbox key={mode} value={mode} label={mode} description={`The app ${ACTOR_DESCRIPTIONS[mode]}`} />
              ))}
            </Stack>
          </Checkbox.Group>
        </Section>

        <Section legend="Scopes">
          <Checkbox.Group {...form.getInputProps('scopes')} label={LABELS.scopes} withAsterisk>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} mt={6} spacing="sm" verticalSpacing="xs">
              {SCOPE_CATALOG.map((scope) => (
                <Checkbox
                  key={scope.name}
                  value={scope.name}
                  label={<span className="mono">{scope.name}</span>}
                  description={`${scope.description}${scopeLimit(scope)}`}
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
        </Section>

        <Section legend="Links shown on the consent screen">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={LABELS.homepageUrl} {...form.getInputProps('homepageUrl')} placeholder="https://" />
            <TextInput label={LABELS.logoUrl} {...form.getInputProps('logoUrl')} placeholder="https://" />
            <TextInput label={LABELS.privacyUrl} {...form.getInputProps('privacyUrl')} placeholder="https://" />
            <TextInput label={LABELS.termsUrl} {...form.getInputProps('termsUrl')} placeholder="https://" />
          </SimpleGrid>
        </Section>

        <FormAttention errors={form.errors} labels={labels} title="The server refused the app" />
        {failure ? <ErrorAlert error={failure} /> : null}
        <Group justify="flex-end">
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={form.submitting}>
            {submitLabel ?? (mode === 'create' ? 'Create app' : 'Save changes')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
