import { useState } from 'react';
import { Button, Checkbox, Group, Modal, Stack, Switch, Text, TextInput } from '@mantine/core';
import { webhooksCreateInput, type WebhookEndpoint } from '../../../../../shared/contract';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES } from '../../../../../shared/webhooks';
import { ErrorAlert } from '../../../components/feedback';
import { serverFieldErrors, validateWith, type FormErrors } from '../../../lib/form-errors';

export interface EndpointFormValue {
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
}

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
  onSubmit: (value: EndpointFormValue) => Promise<unknown>;
}) {
  const [value, setValue] = useState<EndpointFormValue>(() => ({
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    events: endpoint?.events ?? [...WEBHOOK_EVENT_TYPES],
    enabled: endpoint?.enabled ?? true,
  }));
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const submit = async () => {
    const local = validateWith(webhooksCreateInput, { appId, ...value, description: value.description || undefined });
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    setPending(true);
    try {
      await onSubmit(value);
      onClose();
    } catch (err) {
      setErrors(serverFieldErrors(err));
      setFailure(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={endpoint ? 'Edit webhook endpoint' : 'Add a webhook endpoint'} size="lg">
      <Stack>
        <TextInput
          label="URL"
          description="https, or plain http for localhost, 127.0.0.1 and [::1]"
          placeholder="https://example.com/webhooks"
          value={value.url}
          error={errors.url}
          onChange={(e) => setValue({ ...value, url: e.currentTarget.value })}
          rightSectionWidth={130}
          rightSection={
            catcherUrl ? (
              <Button size="compact-xs" variant="light" onClick={() => setValue({ ...value, url: catcherUrl })}>
                Use the catcher
              </Button>
            ) : null
          }
        />
        <TextInput label="Description" value={value.description} error={errors.description} onChange={(e) => setValue({ ...value, description: e.currentTarget.value })} />
        <Checkbox.Group label="Events" value={value.events} error={errors.events} onChange={(events) => setValue({ ...value, events })}>
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
        <Switch label="Enabled" checked={value.enabled} onChange={(e) => setValue({ ...value, enabled: e.currentTarget.checked })} />
        {failure && Object.keys(serverFieldErrors(failure)).length === 0 ? <ErrorAlert error={failure} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={pending}>
            {endpoint ? 'Save' : 'Add endpoint'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
