import { useState, type ReactNode } from 'react';
import {
  ActionIcon,
  Alert,
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
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { AdminError, DEVICE_CODE_GRANT, GRANT_TYPES, PKCE_POLICIES, type PkcePolicy, type Workspace } from '../../../../shared/contract';
import { ACTOR_DESCRIPTIONS, ACTOR_MODES, FULL_ACCESS_SCOPE, SCOPE_CATALOG, type ActorMode, type ScopeDefinition } from '../../../../shared/scopes';
import { CONSENT_POLICIES, type ConsentPolicy } from '../../../../shared/settings';
import { ErrorAlert } from '../../components/feedback';
import { IconPlus, IconTrash } from '../../components/icons';
import { ID_TOKEN_CLAIMS_TEXT, PKCE_POLICY_TEXT, SINGLE_LIVE_TOKEN_TEXT } from './app-policies';
import { toCreateInput, toFormErrors, toUpdateInput, validateAppForm, type AppFormValues, type FieldErrors } from './app-form-model';
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

/** Fields with an input of their own; any other error is listed above the buttons. */
const PLACED_FIELDS =
  /^(name|workspaceId|description|environment|consentPolicy|clientType|pkcePolicy|singleLiveToken|idTokenClaims|lifetimes|grantTypes|actorModes|scopes|homepageUrl|logoUrl|privacyUrl|termsUrl|(redirectUris|postLogoutRedirectUris)(\.\d+)?)$/;

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
  onSubmit: (input: ReturnType<typeof toCreateInput>['input'] | ReturnType<typeof toUpdateInput>['input']) => Promise<unknown>;
  onCancel?: () => void;
  appId?: string;
  submitLabel?: string;
}

function UriList({
  label,
  description,
  values,
  errors,
  field,
  onChange,
  placeholder,
  addLabel,
}: {
  label: string;
  addLabel: string;
  description: string;
  values: string[];
  errors: FieldErrors;
  field: 'redirectUris' | 'postLogoutRedirectUris';
  onChange: (next: string[]) => void;
  placeholder: string;
}) {
  return (
    <Input.Wrapper label={label} description={description} error={errors[field]}>
      <Stack gap={6} mt={6}>
        {values.map((value, index) => (
          <Group key={index} gap={6} align="flex-start" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              value={value}
              placeholder={placeholder}
              aria-label={`${label} ${index + 1}`}
              error={errors[`${field}.${index}`]}
              onChange={(e) => onChange(values.map((v, i) => (i === index ? e.currentTarget.value : v)))}
              spellCheck={false}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              aria-label={`Remove ${label} ${index + 1}`}
              onClick={() => onChange(values.filter((_, i) => i !== index))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => onChange([...values, ''])}>
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
  const [values, setValues] = useState(initialValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [attempted, setAttempted] = useState(false);
  const [pending, setPending] = useState(false);
  const [serverError, setServerError] = useState<AdminError | null>(null);

  const set = <K extends keyof AppFormValues>(key: K, value: AppFormValues[K]) => {
    const next = { ...values, [key]: value };
    setValues(next);
    if (attempted) setErrors(validateAppForm(next, mode));
  };

  const submit = async () => {
    setAttempted(true);
    setServerError(null);
    const found = validateAppForm(values, mode);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const converted = mode === 'create' ? toCreateInput(values) : toUpdateInput(appId ?? '', values);
    setPending(true);
    try {
      await onSubmit(converted.input);
    } catch (err) {
      const adminError = err instanceof AdminError ? err : new AdminError({ code: 'internal', message: String((err as Error)?.message ?? err) });
      setErrors(toFormErrors(adminError.fields, converted.rowMaps));
      setServerError(adminError);
    } finally {
      setPending(false);
    }
  };

  const errorCount = Object.keys(errors).length;
  const unplaced = Object.entries(errors).filter(([field]) => !PLACED_FIELDS.test(field));
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      aria-label={mode === 'create' ? 'Create app' : 'Edit app'}
    >
      <Stack gap="lg">
        <Section legend="Identity">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" withAsterisk value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} data-autofocus />
            <Select
              label="Workspace"
              withAsterisk
              data={workspaces.map((w) => ({ value: w.id, label: w.name }))}
              value={values.workspaceId || null}
              onChange={(v) => set('workspaceId', v ?? '')}
              error={errors.workspaceId}
              disabled={mode === 'edit'}
              description={mode === 'edit' ? 'An app stays in the workspace it was created in' : 'Owners and admins of this workspace manage the app'}
              allowDeselect={false}
            />
          </SimpleGrid>
          <Textarea label="Description" value={values.description} onChange={(e) => set('description', e.currentTarget.value)} error={errors.description} autosize minRows={2} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Autocomplete
              label="Environment"
              data={['development', 'staging', 'production', 'test']}
              value={values.environment}
              onChange={(v) => set('environment', v)}
              error={errors.environment}
              description="Shown on the consent screen as a badge"
            />
            <Select
              label="Consent policy"
              data={(['server', ...CONSENT_POLICIES] as const).map((p) => ({ value: p, label: POLICY_LABELS[p] }))}
              value={values.consentPolicy}
              onChange={(v) => set('consentPolicy', (v ?? 'server') as AppFormValues['consentPolicy'])}
              error={errors.consentPolicy}
              allowDeselect={false}
              description="Auto-approve and auto-deny are for automated tests"
            />
          </SimpleGrid>
        </Section>

        <Section legend="Client">
          <Radio.Group
            label="Client type"
            value={values.clientType}
            onChange={(v) => {
              const clientType = v as AppFormValues['clientType'];
              const isPublic = clientType === 'public';
              // A public app has no secret to authenticate client credentials with: the choice goes, rather than failing on submit.
              const grantTypes = isPublic ? values.grantTypes.filter((g) => !CONFIDENTIAL_ONLY_GRANTS.has(g)) : values.grantTypes;
              const next = { ...values, clientType, grantTypes, pkcePolicy: isPublic ? ('required' as const) : values.pkcePolicy };
              setValues(next);
              if (attempted) setErrors(validateAppForm(next, mode));
            }}
            error={errors.clientType}
            description={mode === 'edit' ? 'The client type is fixed once the app exists' : undefined}
          >
            <Group mt={6} gap="xl">
              <Radio value="confidential" label="Confidential" description="Has a client secret (server-side apps)" disabled={mode === 'edit'} />
              <Radio value="public" label="Public" description="No secret; PKCE S256 required (SPA, mobile, CLI)" disabled={mode === 'edit'} />
            </Group>
          </Radio.Group>
          <Radio.Group
            label="PKCE"
            value={values.pkcePolicy}
            onChange={(v) => set('pkcePolicy', v as PkcePolicy)}
            error={errors.pkcePolicy}
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
            checked={values.singleLiveToken}
            onChange={(e) => set('singleLiveToken', e.currentTarget.checked)}
            error={errors.singleLiveToken}
          />
          <Switch
            label={ID_TOKEN_CLAIMS_TEXT.label}
            description={ID_TOKEN_CLAIMS_TEXT.help}
            checked={values.idTokenClaims}
            onChange={(e) => set('idTokenClaims', e.currentTarget.checked)}
            error={errors.idTokenClaims}
          />
          {mode === 'edit' ? <LifetimeFields values={values.lifetimes} error={errors.lifetimes} onChange={(next) => set('lifetimes', next)} /> : null}
          <Checkbox.Group label="Grant types" value={values.grantTypes} onChange={(v) => set('grantTypes', v)} error={errors.grantTypes} withAsterisk>
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
            label="Redirect URIs"
            description="Matched exactly. https, or http on localhost / 127.0.0.1 / [::1]; native apps may use a private-use scheme. No fragments."
            values={values.redirectUris}
            errors={errors}
            field="redirectUris"
            addLabel="Add a redirect URI"
            onChange={(v) => set('redirectUris', v)}
            placeholder="https://app.example.com/callback"
          />
          <UriList
            label="Post-logout redirect URIs"
            description="Where the end-session endpoint may send users back to."
            values={values.postLogoutRedirectUris}
            errors={errors}
            field="postLogoutRedirectUris"
            addLabel="Add a post-logout redirect URI"
            onChange={(v) => set('postLogoutRedirectUris', v)}
            placeholder="https://app.example.com/signed-out"
          />
          <Checkbox.Group label="Actor modes" value={values.actorModes} onChange={(v) => set('actorModes', v as ActorMode[])} error={errors.actorModes} withAsterisk>
            <Stack gap={6} mt={6}>
              {ACTOR_MODES.map((mode) => (
                <Checkbox key={mode} value={mode} label={mode} description={`The app ${ACTOR_DESCRIPTIONS[mode]}`} />
              ))}
            </Stack>
          </Checkbox.Group>
        </Section>

        <Section legend="Scopes">
          <Checkbox.Group value={values.scopes} onChange={(v) => set('scopes', v)} error={errors.scopes} label="Scopes the app may request" withAsterisk>
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
            <TextInput label="Homepage URL" value={values.homepageUrl} onChange={(e) => set('homepageUrl', e.currentTarget.value)} error={errors.homepageUrl} placeholder="https://" />
            <TextInput label="Logo URL" value={values.logoUrl} onChange={(e) => set('logoUrl', e.currentTarget.value)} error={errors.logoUrl} placeholder="https://" />
            <TextInput label="Privacy policy URL" value={values.privacyUrl} onChange={(e) => set('privacyUrl', e.currentTarget.value)} error={errors.privacyUrl} placeholder="https://" />
            <TextInput label="Terms of service URL" value={values.termsUrl} onChange={(e) => set('termsUrl', e.currentTarget.value)} error={errors.termsUrl} placeholder="https://" />
          </SimpleGrid>
        </Section>

        {unplaced.length > 0 ? (
          <Alert color="red" variant="light" title="The server refused the app">
            {unplaced.map(([field, message]) => (
              <Text size="sm" key={field}>
                {field === 'form' ? message : `${field}: ${message}`}
              </Text>
            ))}
          </Alert>
        ) : null}
        {serverError && (serverError.code !== 'invalid_input' || serverError.fields.length === 0) ? <ErrorAlert error={serverError} /> : null}
        {errorCount > 0 ? (
          <Text c="red" size="sm" role="alert">
            {errorCount === 1 ? 'One field needs attention.' : `${errorCount} fields need attention.`}
          </Text>
        ) : null}
        <Group justify="flex-end">
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={pending}>
            {submitLabel ?? (mode === 'create' ? 'Create app' : 'Save changes')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
