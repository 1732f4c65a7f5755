import { Text, Tooltip, type TextProps } from '@mantine/core';

/**
 * A name in a table cell, cut to one line at `maw` with an ellipsis; the
 * whole name is its tooltip and its title (so a 100-character app name
 * never pushes the row's other columns and actions off-screen).
 */
export function Truncated({ text, maw = 220, ...props }: { text: string; maw?: number | string } & Omit<TextProps, 'children' | 'truncate'>) {
  return (
    <Tooltip label={text} withArrow multiline maw={420} openDelay={300}>
      <Text size="sm" truncate="end" maw={maw} {...props}>
        {text}
      </Text>
    </Tooltip>
  );
}
