import { Button, Checkbox, Group, Modal, Stack, Switch, Text, TextInput } from '@mantine/core';
import { webhooksCreateInput, type WebhookEndpoint } from '../../../../../shared/contract';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES } from '../../../../../shared/webhooks';
import { ErrorAlert } from '../../../components/feedback';
import { FormAttention } from '../../../components/FormAttention';
import { useContractForm } from '../../../lib/use-contract-form';

export type EndpointFormValue = {
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
};

const LABELS = { url: 'URL', description: 'Description', events: 'Events', enabled: 'Enabled' };

/**
 * Adds or edits a webhook endpoint: URL (checked by the contract's rule
 * before sending), events, description, enabled; "Use the catcher" fills
 * in the app's built-in inbox.
 */
export function EndpointFormModal({
  appId,
  endpoint,
  catcherUrl,
  opened,
  onClose,
  onSubmit,
}: {
  appId: string;
  /** Set when editing. */
  endpoint?: WebhookEndpoint;
  catcherUrl: string | undefined;
  opened: boolean;
  onClose: () => void;
  /** Creates or updates the endpoint from the form's values (the page knows which). */
  onSubmit: (value: EndpointFormValue) => Promise<unknown>;
}) {
  const { form, root, onSubmit: submit, failure, labels } = useContractForm({
    // webhooks.create's rules check an edit too: it changes the same fields.
    schema: webhooksCreateInput,
    toInput: (value: EndpointFormValue) => ({ appId, ...value, description: value.description || undefined }),
    labels: LABELS,
    initialValues: {
      url: endpoint?.url ?? '',
      description: endpoint?.description ?? '',
      events: endpoint?.events ?? [...WEBHOOK_EVENT_TYPES],
      enabled: endpoint?.enabled ?? true,
    },
    send: (_input, endpointForm) => onSubmit(endpointForm.getValues()),
    onSuccess: onClose,
  });
  return (
    <Modal opened={opened} onClose={onClose} title={endpoint ? 'Edit webhook endpoint' : 'Add a webhook endpoint'} size="lg">
      <form ref={root} noValidate onSubmit={submit}>
        <Stack>
          <TextInput
            label={LABELS.url}
            description="https, or plain http for localhost, 127.0.0.1 and [::1]"
            placeholder="https://example.com/webhooks"
            {...form.getInputProps('url')}
            rightSectionWidth={130}
            rightSection={
              catcherUrl ? (
                <Button size="compact-xs" variant="light" onClick={() => form.setFieldValue('url', catcherUrl)}>
                  Use the catcher
                </Button>
              ) : null
            }
          />
          <TextInput label={LABELS.description} {...form.getInputProps('description')} />
          <Checkbox.Group label={LABELS.events} {...form.getInputProps('events')}>
            <Stack gap={6} mt={6}>
              {WEBHOOK_EVENT_TYPES.map((type) => (
                <Checkbox
                  key={type}
                  value={type}
                  label={
                    <Text size="sm">
                      <Text span ff="monospace" size="sm">
                        {type}
                      </Text>{' '}
                      — {WEBHOOK_EVENTS[type].description}
                    </Text>
                  }
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <Switch label={LABELS.enabled} {...form.getInputProps('enabled', { type: 'checkbox' })} />
          <FormAttention errors={form.errors} labels={labels} />
          {failure ? <ErrorAlert error={failure} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {endpoint ? 'Save' : 'Add endpoint'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
