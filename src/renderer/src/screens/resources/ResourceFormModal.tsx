import { ActionIcon, Button, Group, Modal, MultiSelect, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { RESOURCE_CATALOG_SCOPES, resourcesCreateInput, resourcesUpdateInput, type CustomScope, type ResourceServer, type TokenFormat } from '../../../../shared/contract';
import { findScope } from '../../../../shared/scopes';
import { useAdminMutation } from '../../admin/hooks';
import { ErrorAlert } from '../../components/feedback';
import { IconPlus, IconTrash } from '../../components/icons';
import { describeSeconds } from '../../lib/format';
import { FormAttention } from '../../components/FormAttention';
import { useContractForm } from '../../lib/use-contract-form';

type ResourceValues = {
  identifier: string;
  name: string;
  scopes: string[];
  customScopes: CustomScope[];
  tokenFormat: TokenFormat;
  /** Empty: the server's access-token lifetime. */
  accessTokenTtl: number | '';
};

const LABELS = {
  identifier: 'Identifier',
  name: 'Name',
  scopes: 'Catalog scopes',
  customScopes: 'Its own scopes',
  'customScopes.*.name': 'Its own scopes',
  'customScopes.*.description': 'Its own scopes',
  tokenFormat: 'Access-token format',
  accessTokenTtl: 'Access-token lifetime (seconds)',
};

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
  const create = useAdminMutation('resources.create');
  const update = useAdminMutation('resources.update');
  const builtIn = resource?.builtIn ?? false;
  const { form, root, onSubmit, failure, labels } = useContractForm({
    // The id is not edited here: resources.update's input without it, the id added when sending.
    schema: resource ? resourcesUpdateInput.omit({ id: true }) : resourcesCreateInput,
    toInput: (values: ResourceValues) => toInput(values, builtIn),
    labels: LABELS,
    initialValues: valuesOf(resource),
    send: (input) => (resource ? update.mutateAsync({ ...input, id: resource.id }) : create.mutateAsync({ ...input, identifier: input.identifier ?? '' })),
    onSuccess: onClose,
  });
  const values = form.values;
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>{resource ? `Edit ${resource.name}` : 'New resource server'}</Text>} size="lg" centered>
      <form ref={root} noValidate onSubmit={onSubmit}>
        <Stack>
          <TextInput
            label={LABELS.identifier}
            description={
              builtIn
                ? 'Built in: the issuer followed by its path, so it follows the issuer.'
                : 'The resource value clients send (RFC 8707) and the aud of its tokens: https, or http for localhost; no fragment, no query.'
            }
            placeholder="https://api.example.com"
            withAsterisk
            disabled={builtIn}
            {...form.getInputProps('identifier')}
            data-autofocus
          />
          <TextInput label={LABELS.name} withAsterisk {...form.getInputProps('name')} />
          <MultiSelect
            label={LABELS.scopes}
            description="Scopes of this server's catalog that the resource understands."
            data={SCOPE_OPTIONS}
            {...form.getInputProps('scopes')}
            searchable
            clearable
          />
          <Stack gap={6} data-path="customScopes">
            <Text size="sm" fw={500}>
              {LABELS.customScopes}
            </Text>
            {values.customScopes.map((_, index) => (
              <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput aria-label={`Name of own scope ${index + 1}`} placeholder="notes:read" {...form.getInputProps(`customScopes.${index}.name`)} w={180} />
                <TextInput
                  aria-label={`Description of own scope ${index + 1}`}
                  placeholder="What the consent screen says it allows"
                  {...form.getInputProps(`customScopes.${index}.description`)}
                  style={{ flex: 1 }}
                />
                <ActionIcon variant="subtle" color="gray" mt={6} aria-label={`Remove own scope ${index + 1}`} onClick={() => form.removeListItem('customScopes', index)}>
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
              <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('customScopes', { name: '', description: '' })}>
                Add a scope
              </Button>
            </Group>
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {LABELS.tokenFormat}
            </Text>
            <SegmentedControl
              aria-label={LABELS.tokenFormat}
              {...form.getInputProps('tokenFormat')}
              data={[
                { value: 'opaque', label: 'Opaque (checked against this server)' },
                { value: 'jwt', label: 'JWT (RFC 9068, signed, with aud)' },
              ]}
            />
          </Stack>
          <NumberInput
            label={LABELS.accessTokenTtl}
            description={values.accessTokenTtl === '' ? "Empty: the server's access-token lifetime (Settings)." : describeSeconds(values.accessTokenTtl)}
            placeholder="server setting"
            min={1}
            allowDecimal={false}
            {...form.getInputProps('accessTokenTtl')}
            onChange={(v) => form.setFieldValue('accessTokenTtl', typeof v === 'number' ? v : '')}
          />
          <FormAttention errors={form.errors} labels={labels} />
          {failure ? <ErrorAlert error={failure} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {resource ? 'Save' : 'Create resource server'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
