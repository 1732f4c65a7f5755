import { useState } from 'react';
import { Alert, Button, Checkbox, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { CopyIconButton } from './copy';
import { IconKey } from './icons';

export interface SecretOnceDialogProps {
  /** The secret to show; the dialog is open while it is set. */
  secret: string | null;
  /** What it is: "client secret", "API key", "initial access token". */
  kind: string;
  /** Whose it is, e.g. the app's name. */
  owner?: string;
  /** Extra values shown with it (the client id), each with its own copy button. */
  extras?: Array<{ label: string; value: string }>;
  /** How the server keeps it: a hash unless said otherwise (a webhook secret is encrypted: the server signs with it). */
  storedAs?: string;
  onClose: () => void;
}

/**
 * Shows a credential exactly once. The server keeps only its hash, so the
 * dialog says so, offers copy, and closes only on an explicit
 * acknowledgement (not on Escape or a click outside) so it is not lost by
 * accident. The value lives only in this dialog's props.
 */
export function SecretOnceDialog({ secret, kind, owner, extras = [], storedAs = 'only a hash', onClose }: SecretOnceDialogProps) {
  const [saved, setSaved] = useState(false);
  const close = () => {
    setSaved(false);
    onClose();
  };
  return (
    <Modal
      opened={secret !== null}
      onClose={close}
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
      centered
      size="lg"
      title={
        <Group gap="xs">
          <IconKey />
          <Text fw={700}>Copy the {kind} now</Text>
        </Group>
      }
    >
      <Stack>
        <Alert color="yellow" variant="light" title="This is the only time it is shown">
          The server stores {storedAs} of the {kind}
          {owner ? (
            <>
              {' '}
              of <strong>{owner}</strong>
            </>
          ) : null}
          . Once you close this dialog it cannot be shown again; if it is lost, rotate it to get a new one.
        </Alert>
        {extras.map((extra) => (
          <div key={extra.label}>
            <Text size="sm" fw={600} mb={4}>
              {extra.label}
            </Text>
            <Group gap={4} wrap="nowrap">
              <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
                {extra.value}
              </Code>
              <CopyIconButton value={extra.value} label={extra.label} />
            </Group>
          </div>
        ))}
        <div>
          <Text size="sm" fw={600} mb={4} style={{ textTransform: 'capitalize' }}>
            {kind}
          </Text>
          <Group gap={4} wrap="nowrap">
            <Code block data-testid="secret-value" style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
              {secret ?? ''}
            </Code>
            {secret ? <CopyIconButton value={secret} label={kind} /> : null}
          </Group>
        </div>
        <Checkbox label={`I have copied the ${kind} and stored it safely`} checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button onClick={close} disabled={!saved}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
