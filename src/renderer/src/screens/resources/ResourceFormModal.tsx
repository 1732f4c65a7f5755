import { useState } from 'react';
import { ActionIcon, Button, Group, Modal, MultiSelect, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { RESOURCE_CATALOG_SCOPES, resourcesCreateInput, resourcesUpdateInput, type CustomScope, type ResourceServer, type TokenFormat } from '../../../../shared/contract';
import { findScope } from '../../../../shared/scopes';
import { useAdminMutation } from '../../admin/hooks';
import { ErrorAlert } from '../../components/feedback';
import { IconPlus, IconTrash } from '../../components/icons';
import { describeSeconds } from '../../lib/format';
import { useFormSubmit } from '../../lib/use-form-submit';

interface ResourceValues {
  identifier: string;
  name: string;
  scopes: string[];
  customScopes: CustomScope[];
  tokenFormat: TokenFormat;
  /** Empty: the server's access-token lifetime. */
  accessTokenTtl: number | '';
}

function valuesOf(resource: ResourceServer | null): ResourceValues {
  return {
    identifier: resource?.identifier ?? '',
    name: resource?.name ?? '',
    scopes: resource?.scopes ?? [],
    customScopes: resource?.customScopes ?? [],
    tokenFormat: resource?.tokenFormat ?? 'opaque',
    accessTokenTtl: resource?.accessTokenTtl ?? '',
  };
}

function toInput(values: ResourceValues, builtIn: boolean) {
  return {
    ...(builtIn ? {} : { identifier: values.identifier.trim() }),
    name: values.name,
    scopes: values.scopes,
    customScopes: values.customScopes,
    tokenFormat: values.tokenFormat,
    accessTokenTtl: values.accessTokenTtl === '' ? null : values.accessTokenTtl,
  };
}

const SCOPE_OPTIONS = RESOURCE_CATALOG_SCOPES.map((name) => ({ value: name, label: `${name}: ${findScope(name)?.description ?? ''}` }));

/** Create a resource server, or edit one (`resource` set). Errors show next to their fields. */
export function ResourceFormModal({ resource, onClose }: { resource: ResourceServer | null; onClose: () => void }) {
  const [values, setValues] = useState(() => valuesOf(resource));
  const create = useAdminMutation('resources.create');
  const update = useAdminMutation('resources.update');
  const builtIn = resource?.builtIn ?? false;
  type Input = ReturnType<typeof toInput> & { id?: string };
  const form = useFormSubmit<Input>(resource ? resourcesUpdateInput : resourcesCreateInput, (input) =>
    resource ? update.mutateAsync({ ...input, id: resource.id }) : create.mutateAsync(input as Input & { identifier: string }),
  );
  const set = <K extends keyof ResourceValues>(key: K, value: ResourceValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const setCustom = (index: number, patch: Partial<CustomScope>) => set('customScopes', values.customScopes.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const close = () => {
    form.reset();
    onClose();
  };
  return (
    <Modal opened onClose={close} title={<Text fw={700}>{resource ? `Edit ${resource.name}` : 'New resource server'}</Text>} size="lg" centered>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const input = toInput(values, builtIn);
          void form.submit(resource ? { ...input, id: resource.id } : input).then((ok) => ok && close());
        }}
      >
        <Stack>
          <TextInput
            label="Identifier"
            description={
              builtIn
                ? 'Built in: the issuer followed by its path, so it follows the issuer.'
                : 'The resource value clients send (RFC 8707) and the aud of its tokens: https, or http for localhost; no fragment, no query.'
            }
            placeholder="https://api.example.com"
            withAsterisk
            disabled={builtIn}
            value={values.identifier}
            onChange={(e) => set('identifier', e.currentTarget.value)}
            error={form.errors.identifier}
            data-autofocus
          />
          <TextInput label="Name" withAsterisk value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={form.errors.name} />
          <MultiSelect
            label="Catalog scopes"
            description="Scopes of this server's catalog that the resource understands."
            data={SCOPE_OPTIONS}
            value={values.scopes}
            onChange={(v) => set('scopes', v)}
            error={form.errors.scopes}
            searchable
            clearable
          />
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              Its own scopes
            </Text>
            {values.customScopes.map((scope, index) => (
              <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput aria-label={`Name of own scope ${index + 1}`} placeholder="notes:read" value={scope.name} onChange={(e) => setCustom(index, { name: e.currentTarget.value })} w={180} />
                <TextInput
                  aria-label={`Description of own scope ${index + 1}`}
                  placeholder="What the consent screen says it allows"
                  value={scope.description}
                  onChange={(e) => setCustom(index, { description: e.currentTarget.value })}
                  style={{ flex: 1 }}
                />
                <ActionIcon variant="subtle" color="gray" mt={6} aria-label={`Remove own scope ${index + 1}`} onClick={() => set('customScopes', values.customScopes.filter((_, i) => i !== index))}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            {form.errors.customScopes ? (
              <Text size="xs" c="red" role="alert">
                {form.errors.customScopes}
              </Text>
            ) : null}
            <Group>
              <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => set('customScopes', [...values.customScopes, { name: '', description: '' }])}>
                Add a scope
              </Button>
            </Group>
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Access-token format
            </Text>
            <SegmentedControl
              aria-label="Access-token format"
              value={values.tokenFormat}
              onChange={(v) => set('tokenFormat', v as TokenFormat)}
              data={[
                { value: 'opaque', label: 'Opaque (checked against this server)' },
                { value: 'jwt', label: 'JWT (RFC 9068, signed, with aud)' },
              ]}
            />
          </Stack>
          <NumberInput
            label="Access-token lifetime (seconds)"
            description={values.accessTokenTtl === '' ? "Empty: the server's access-token lifetime (Settings)." : describeSeconds(values.accessTokenTtl)}
            placeholder="server setting"
            min={1}
            allowDecimal={false}
            value={values.accessTokenTtl}
            onChange={(v) => set('accessTokenTtl', typeof v === 'number' ? v : '')}
            error={form.errors.accessTokenTtl}
          />
          {form.error && form.error.fields.length === 0 ? <ErrorAlert error={form.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={form.pending}>
              {resource ? 'Save' : 'Create resource server'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
