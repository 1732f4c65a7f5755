import { useState, type ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { ErrorAlert } from './feedback';
import { useActionsOff } from './StaleGate';

export interface ConfirmDialogProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What will happen, in words. */
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => unknown;
  pending?: boolean;
  error?: unknown;
  /** When set, the user types this word to enable the button (for the most destructive actions). */
  typeToConfirm?: string;
}

/**
 * Every destructive action goes through here: it says what will happen,
 * starts focused on Cancel, and shows the server's error in place.
 */
export function ConfirmDialog({ opened, onClose, title, children, confirmLabel, onConfirm, pending, error, typeToConfirm }: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const actionsOff = useActionsOff();
  const ready = !actionsOff && (!typeToConfirm || typed.trim() === typeToConfirm);
  const close = () => {
    setTyped('');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={700}>{title}</Text>} centered>
      <Stack>
        <div>{children}</div>
        {typeToConfirm ? (
          <TextInput
            label={
              <>
                Type <strong>{typeToConfirm}</strong> to confirm
              </>
            }
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            autoComplete="off"
          />
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={() => void onConfirm()} loading={pending} disabled={!ready}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
