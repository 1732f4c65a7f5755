import { useState } from 'react';
import { Badge, Button, Card, FileInput, Group, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import type { AdminError, ConfigFormat, ConfigReport } from '../../../../shared/contract';
import { useAdmin, useAdminMutation } from '../../admin/hooks';
import { CopyIconButton } from '../../components/copy';
import { ErrorAlert } from '../../components/feedback';

/** Saves text as a file the browser (or the desktop window) downloads. */
function download(fileName: string, text: string, format: ConfigFormat): void {
  const blob = new Blob([text], { type: format === 'json' ? 'application/json' : 'application/yaml' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A chosen file's text (FileReader: what every browser engine and the test DOM have). */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file cannot be read'));
    reader.readAsText(file);
  });
}

function summary(report: ConfigReport): string {
  return `${report.created} to create, ${report.updated} to update, ${report.deleted ? `${report.deleted} to delete, ` : ''}${report.unchanged} unchanged`;
}

const ACTION_LABELS: Record<ConfigReport['changes'][number]['action'], string> = { created: 'create', updated: 'update', deleted: 'delete' };
const ACTION_COLORS: Record<ConfigReport['changes'][number]['action'], string> = { created: 'teal', updated: 'blue', deleted: 'red' };

function ChangesTable({ report }: { report: ConfigReport }) {
  if (report.changes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing to change: this server already matches the document ({report.unchanged} unchanged).
      </Text>
    );
  }
  return (
    <Table verticalSpacing={4} aria-label="Changes the document makes">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Change</Table.Th>
          <Table.Th>What</Table.Th>
          <Table.Th>Key</Table.Th>
          <Table.Th>Fields</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {report.changes.map((c) => (
          <Table.Tr key={`${c.path}:${c.key}`}>
            <Table.Td>
              <Badge size="sm" variant="light" color={ACTION_COLORS[c.action]}>
                {ACTION_LABELS[c.action]}
              </Badge>
            </Table.Td>
            <Table.Td>{c.kind}</Table.Td>
            <Table.Td>
              <Text size="sm" className="mono">
                {c.key}
              </Text>
            </Table.Td>
            <Table.Td>{c.fields.join(', ')}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ExportPanel() {
  const { connection } = useAdmin();
  const [format, setFormat] = useState<ConfigFormat>('yaml');
  const exported = useMutation<{ document: string; fileName: string; format: ConfigFormat }, AdminError, ConfigFormat>({
    mutationFn: (f) => connection.client.config.export({ format: f }),
    onSuccess: (result) => download(result.fileName, result.document, result.format),
  });
  return (
    <Stack gap="sm">
      <Text size="sm">
        Workspaces, users, members, apps (with their webhooks), resource servers and settings as one file. No secrets: client secrets, API keys and webhook signing secrets are
        never exported.
      </Text>
      <Group>
        <SegmentedControl aria-label="Export format" value={format} onChange={(v) => setFormat(v as ConfigFormat)} data={[{ value: 'yaml', label: 'YAML' }, { value: 'json', label: 'JSON' }]} />
        <Button variant="default" loading={exported.isPending} onClick={() => exported.mutate(format)}>
          Export
        </Button>
      </Group>
      {exported.error ? <ErrorAlert error={exported.error} title="Export failed" /> : null}
      {exported.data ? (
        <Stack gap={4}>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Downloaded as {exported.data.fileName}
            </Text>
            <CopyIconButton value={exported.data.document} label="exported document" size="sm" />
          </Group>
          <Textarea aria-label="Exported document" value={exported.data.document} readOnly autosize minRows={4} maxRows={14} className="mono" />
        </Stack>
      ) : null}
    </Stack>
  );
}

function ImportPanel() {
  const { connection } = useAdmin();
  const [file, setFile] = useState<File | null>(null);
  const [document, setDocument] = useState<string | null>(null);
  const preview = useMutation<ConfigReport, AdminError, { document: string; fileName: string }>({
    mutationFn: (input) => connection.client.config.import({ ...input, dryRun: true }),
  });
  const apply = useAdminMutation('config.import', {
    onSuccess: (report) => {
      notifications.show({ color: 'teal', title: 'Configuration applied', message: `${report.created} created, ${report.updated} updated, ${report.deleted} deleted, ${report.unchanged} unchanged` });
      setFile(null);
      setDocument(null);
      preview.reset();
    },
  });
  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setDocument(null);
    preview.reset();
    apply.reset();
    if (!chosen) return;
    let text: string;
    try {
      text = await readText(chosen);
    } catch (err) {
      notifications.show({ color: 'red', title: 'The file cannot be read', message: (err as Error).message });
      return;
    }
    setDocument(text);
    preview.mutate({ document: text, fileName: chosen.name });
  };
  const report = preview.data;
  return (
    <Stack gap="sm">
      <Text size="sm">
        Choose a YAML or JSON file: the console shows what it would change first. Entities are matched by workspace slug, user email, app client id (else name in its
        workspace), resource identifier and webhook URL; what the file does not name stays as it is.
      </Text>
      <FileInput label="Configuration file" description="A .yaml, .yml or .json file" accept=".yaml,.yml,.json,application/json,application/yaml" value={file} onChange={(f) => void choose(f)} clearable />
      {preview.isPending ? (
        <Text size="sm" c="dimmed">
          Checking the file…
        </Text>
      ) : null}
      {preview.error ? <ErrorAlert error={preview.error} title="The file cannot be applied" /> : null}
      {report ? (
        <Stack gap="sm">
          <Text size="sm" fw={600}>
            Preview: {summary(report)}
          </Text>
          <ChangesTable report={report} />
          <Group justify="flex-end">
            <Button
              disabled={report.changes.length === 0 || document === null}
              loading={apply.isPending}
              onClick={() => document !== null && apply.mutate({ document, fileName: file?.name ?? 'console' })}
            >
              Apply
            </Button>
          </Group>
        </Stack>
      ) : null}
      {apply.error ? <ErrorAlert error={apply.error} title="The file was not applied" /> : null}
    </Stack>
  );
}

/** Configuration as code: export the declared state, and import a file with a preview of its changes. */
export function ConfigurationCard() {
  return (
    <Card withBorder padding="lg">
      <Title order={3} mb="xs">
        Configuration
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        The same file works as a seed: <code>npm run serve -- --seed FILE</code>, or <code>seed.yaml</code> in the data folder, applies it on every start.
      </Text>
      <Stack gap="xl">
        <ExportPanel />
        <ImportPanel />
      </Stack>
    </Card>
  );
}
