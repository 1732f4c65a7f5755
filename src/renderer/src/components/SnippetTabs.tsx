import { Code, Group, Tabs } from '@mantine/core';
import type { QuickStartSnippet } from '../lib/quick-start';
import { CopyIconButton } from './copy';

/** Ready-to-paste snippets as tabs, each with a copy button (`copyLabel` names them for screen readers). */
export function SnippetTabs({ snippets, copyLabel = 'snippet' }: { snippets: QuickStartSnippet[]; copyLabel?: string }) {
  return (
    <Tabs defaultValue={snippets[0]?.id} keepMounted={false}>
      <Tabs.List>
        {snippets.map((s) => (
          <Tabs.Tab key={s.id} value={s.id}>
            {s.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {snippets.map((s) => (
        <Tabs.Panel key={s.id} value={s.id} pt="sm">
          <Group align="flex-start" wrap="nowrap" gap="xs">
            <Code block style={{ flex: 1 }}>
              <pre className="snippet">{s.code}</pre>
            </Code>
            <CopyIconButton value={s.code} label={`${s.label} ${copyLabel}`} />
          </Group>
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
