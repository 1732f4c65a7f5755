// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AdminError, type ConfigReport } from '../../src/shared/contract';
import { ConfigurationCard } from '../../src/renderer/src/screens/settings/ConfigurationCard';
import { fakeAdmin, renderConsole } from './console-harness';

const DOCUMENT = 'version: 1\nworkspaces:\n  - { slug: acme, name: Acme }\n';

function report(over: Partial<ConfigReport> = {}): ConfigReport {
  return {
    source: 'seed.yaml',
    dryRun: true,
    created: 1,
    updated: 1,
    deleted: 1,
    unchanged: 3,
    changes: [
      { action: 'created', kind: 'workspace', key: 'acme', path: 'workspaces[0]', fields: [] },
      { action: 'updated', kind: 'app', key: 'acme/CI Backend', path: 'apps[0]', fields: ['name', 'clientSecret'] },
      { action: 'deleted', kind: 'user', key: 'stray@acme.test', path: 'users', fields: [] },
    ],
    ...over,
  };
}

function fileInput(): HTMLInputElement {
  return document.querySelector('input[type="file"]')!;
}

let downloads: string[] = [];
beforeEach(() => {
  downloads = [];
  URL.createObjectURL = vi.fn(() => 'blob:config');
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    downloads.push(this.download);
  });
});
afterEach(() => vi.restoreAllMocks());

describe('the Configuration section', () => {
  it('exports in the chosen format, downloads the file and shows it', async () => {
    const admin = fakeAdmin({ 'config.export': ({ format }) => ({ format, document: format === 'json' ? '{"version":1}\n' : DOCUMENT, fileName: `oauth-console-config.${format}` }) });
    renderConsole(<ConfigurationCard />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(screen.getByRole('radio', { name: 'JSON' }));
    await u.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByRole('textbox', { name: 'Exported document' })).toHaveValue('{"version":1}\n');
    expect(admin.calls).toEqual([{ procedure: 'config.export', input: { format: 'json' } }]);
    expect(downloads).toEqual(['oauth-console-config.json']);
  });

  it('previews an uploaded file with a dry run, then applies it', async () => {
    const admin = fakeAdmin({
      'config.import': (input) => (input.dryRun ? report() : report({ dryRun: false })),
    });
    renderConsole(<ConfigurationCard />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.upload(fileInput(), new File([DOCUMENT], 'seed.yaml', { type: 'application/yaml' }));
    const table = await screen.findByRole('table', { name: 'Changes the document makes' });
    expect(screen.getByText('Preview: 1 to create, 1 to update, 1 to delete, 3 unchanged')).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(rows).toEqual(['createworkspaceacme', 'updateappacme/CI Backendname, clientSecret', 'deleteuserstray@acme.test']);
    expect(admin.calls).toEqual([{ procedure: 'config.import', input: { document: DOCUMENT, fileName: 'seed.yaml', dryRun: true } }]);
    await u.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(admin.calls.at(-1)).toEqual({ procedure: 'config.import', input: { document: DOCUMENT, fileName: 'seed.yaml', dryRun: false } }));
    expect(await screen.findByText('Configuration applied')).toBeInTheDocument();
  });

  it('says when nothing would change, and keeps Apply off', async () => {
    const admin = fakeAdmin({ 'config.import': () => report({ created: 0, updated: 0, deleted: 0, unchanged: 5, changes: [] }) });
    renderConsole(<ConfigurationCard />, { admin });
    await userEvent.setup({ delay: null }).upload(fileInput(), new File([DOCUMENT], 'seed.yaml'));
    expect(await screen.findByText(/Nothing to change: this server already matches the document \(5 unchanged\)/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
  });

  it('shows a bad file’s problems with their path and line, and no Apply', async () => {
    const admin = fakeAdmin({
      'config.import': () => {
        throw new AdminError({
          code: 'invalid_input',
          message: 'bad.yaml: apps[0].redirectUris[0], line 6: must use https',
          fields: [{ field: 'apps[0].redirectUris[0]', message: 'must use https (line 6)' }],
        });
      },
    });
    renderConsole(<ConfigurationCard />, { admin });
    await userEvent.setup({ delay: null }).upload(fileInput(), new File(['apps: []'], 'bad.yaml'));
    const alert = (await screen.findByText('The file cannot be applied')).closest('[role="alert"]');
    expect(alert).toHaveTextContent('apps[0].redirectUris[0]: must use https (line 6)');
    expect(screen.queryByRole('button', { name: 'Apply' })).not.toBeInTheDocument();
  });
});
