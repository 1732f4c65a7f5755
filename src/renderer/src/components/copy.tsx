import { ActionIcon, Code, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from './icons';

/** A copy button with an accessible name (`Copy issuer`) and a "Copied" confirmation. */
export function CopyIconButton({ value, label, size = 'md' }: { value: string; label: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow position="top">
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size={size} onClick={copy} aria-label={copied ? `Copied ${label}` : `Copy ${label}`}>
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

/** A value in monospace with a copy button next to it. */
export function CopyValue({ value, label, truncate = false }: { value: string; label: string; truncate?: boolean }) {
  return (
    <Group gap={4} wrap="nowrap" miw={0}>
      <Code
        style={{
          minWidth: 0,
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: truncate ? 'nowrap' : 'normal',
          wordBreak: 'break-all',
        }}
        title={truncate ? value : undefined}
      >
        {value}
      </Code>
      <CopyIconButton value={value} label={label} size="sm" />
    </Group>
  );
}

/** A label over a value, for detail panels. */
export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.03em' }}>
        {label}
      </Text>
      <div>{children}</div>
    </div>
  );
}
