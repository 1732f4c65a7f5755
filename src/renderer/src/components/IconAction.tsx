import type { ReactNode } from 'react';
import { ActionIcon, Tooltip } from '@mantine/core';

/** A row action: a subtle icon button with a tooltip; `label` is its accessible name. */
export function IconAction({ tooltip, label, icon, onClick }: { tooltip: string; label: string; icon: ReactNode; onClick: () => void }) {
  return (
    <Tooltip label={tooltip} withArrow>
      <ActionIcon variant="subtle" onClick={onClick} aria-label={label}>
        {icon}
      </ActionIcon>
    </Tooltip>
  );
}
