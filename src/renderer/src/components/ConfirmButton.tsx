import { useState, type ReactNode } from 'react';
import { ActionIcon, Button, Tooltip, type ButtonProps } from '@mantine/core';
import { ConfirmDialog } from './ConfirmDialog';
import { useActionsOff } from './StaleGate';

export interface ConfirmButtonProps {
  /** The button's text; with `icon` and `iconOnly`, its accessible name. */
  label: string;
  icon?: ReactNode;
  iconOnly?: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Runs on confirm; the dialog closes when it resolves and shows the error when it rejects. */
  action: () => Promise<unknown>;
  onDone?: (result: unknown) => void;
  typeToConfirm?: string;
  disabled?: boolean;
  variant?: ButtonProps['variant'];
  size?: ButtonProps['size'];
  color?: string;
}

/** A button for a destructive action: it opens a confirmation first. */
export function ConfirmButton(props: ConfirmButtonProps) {
  const [opened, setOpened] = useState(false);
  const actionsOff = useActionsOff();
  const disabled = props.disabled || actionsOff;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const open = () => {
    setError(null);
    setOpened(true);
  };
  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      const result = await props.action();
      setOpened(false);
      props.onDone?.(result);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  const trigger = props.iconOnly ? (
    <Tooltip label={props.label} withArrow>
      <ActionIcon variant="subtle" color={props.color ?? 'red'} onClick={open} aria-label={props.label} disabled={disabled} size={props.size ?? 'md'}>
        {props.icon}
      </ActionIcon>
    </Tooltip>
  ) : (
    <Button
      variant={props.variant ?? 'light'}
      color={props.color ?? 'red'}
      leftSection={props.icon}
      onClick={open}
      disabled={disabled}
      size={props.size ?? 'sm'}
    >
      {props.label}
    </Button>
  );
  return (
    <>
      {trigger}
      <ConfirmDialog
        opened={opened}
        onClose={() => setOpened(false)}
        title={props.title}
        confirmLabel={props.confirmLabel}
        onConfirm={confirm}
        pending={pending}
        error={error}
        typeToConfirm={props.typeToConfirm}
      >
        {props.children}
      </ConfirmDialog>
    </>
  );
}
