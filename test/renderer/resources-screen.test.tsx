// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, type ResourceServer } from '../../src/shared/contract';
import { protectedResourceMetadata, protectedResourceMetadataUrl } from '../../src/shared/protected-resource-metadata';
import { ResourcesScreen } from '../../src/renderer/src/screens/resources/ResourcesScreen';
import { fakeAdmin, renderConsole } from './console-harness';

const ISSUER = 'http://127.0.0.1:9090';

function resourceServer(overrides: Partial<ResourceServer>): ResourceServer {
  const base = {
    id: 'rs_sample_mcp',
    identifier: `${ISSUER}/mcp`,
    builtIn: true,
    name: 'Sample MCP server',
    scopes: ['read:user', 'read:members'],
    customScopes: [],
    tokenFormat: 'opaque' as const,
    accessTokenTtl: null,
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
  return { ...base, metadata: protectedResourceMetadata(base, ISSUER), metadataUrl: protectedResourceMetadataUrl(base.identifier), ...overrides };
}

const builtIn = resourceServer({});
const notes = resourceServer({
  id: 'rs_notes',
  identifier: 'https://notes.example.test/api',
  builtIn: false,
  name: 'Notes API',
  scopes: [],
  customScopes: [{ name: 'notes:read', description: 'Read your notes' }],
  tokenFormat: 'jwt',
  accessTokenTtl: 600,
});

describe('the Resources screen', () => {
  it('lists resource servers, and shows the RFC 9728 document to copy for one of them', async () => {
    const admin = fakeAdmin({ 'resources.list': () => ({ items: [builtIn, notes] }) });
    renderConsole(<ResourcesScreen />, { admin });
    expect(screen.getByRole('status')).toHaveTextContent('Loading resource servers');
    const row = await screen.findByRole('row', { name: 'Show Notes API' });
    expect(within(row).getByText('https://notes.example.test/api')).toBeInTheDocument();
    expect(within(row).getByText('JWT')).toBeInTheDocument();
    expect(within(screen.getByRole('row', { name: 'Show Sample MCP server' })).getByText('built in')).toBeInTheDocument();
    // Built-in ones cannot be deleted.
    expect(screen.queryByRole('button', { name: 'Delete Sample MCP server' })).not.toBeInTheDocument();

    const u = userEvent.setup({ delay: null });
    await u.click(within(row).getByText('Notes API'));
    const snippet = await screen.findByLabelText('Protected resource metadata of Notes API');
    expect(snippet).toHaveTextContent('https://notes.example.test/.well-known/oauth-protected-resource/api');
    expect(snippet).toHaveTextContent('"scopes_supported": [');
    expect(snippet).toHaveTextContent('"notes:read"');
    expect(within(snippet).getByRole('button', { name: 'Copy metadata of Notes API' })).toBeInTheDocument();
  });

  it('has an empty and an error state', async () => {
    const empty = fakeAdmin({ 'resources.list': () => ({ items: [] }) });
    const first = renderConsole(<ResourcesScreen />, { admin: empty });
    expect(await screen.findByText('No resource servers')).toBeInTheDocument();
    first.unmount();

    const failing = fakeAdmin({
      'resources.list': () => {
        throw new AdminError({ code: 'unavailable', message: 'The admin service cannot be reached' });
      },
    });
    renderConsole(<ResourcesScreen />, { admin: failing });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The admin service cannot be reached');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('checks the identifier with the contract, shows the server’s field error, then creates', async () => {
    let taken = true;
    const admin = fakeAdmin({
      'resources.list': () => ({ items: [builtIn] }),
      'resources.create': (input) => {
        if (taken) throw new AdminError({ code: 'conflict', message: 'Sample MCP server already has this identifier', fields: [{ field: 'identifier', message: 'Sample MCP server already has this identifier' }] });
        return resourceServer({ ...input, id: 'rs_new', builtIn: false });
      },
    });
    renderConsole(<ResourcesScreen />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'New resource server' }));
    const dialog = await screen.findByRole('dialog');
    await u.type(within(dialog).getByLabelText(/^Identifier/), 'http://api.example.test');
    await u.type(within(dialog).getByLabelText(/^Name/), 'Calendar');
    await u.click(within(dialog).getByRole('button', { name: 'Add a scope' }));
    await u.type(within(dialog).getByLabelText('Name of own scope 1'), 'calendar:read');
    await u.type(within(dialog).getByLabelText('Description of own scope 1'), 'Read your calendar');
    await u.click(within(dialog).getByRole('button', { name: 'Create resource server' }));
    expect(within(dialog).getByLabelText(/^Identifier/)).toHaveAccessibleDescription(/must use https/);
    expect(admin.calls.some((c) => c.procedure === 'resources.create')).toBe(false);

    await u.clear(within(dialog).getByLabelText(/^Identifier/));
    await u.type(within(dialog).getByLabelText(/^Identifier/), `${ISSUER}/mcp`);
    await u.click(within(dialog).getByRole('button', { name: 'Create resource server' }));
    await waitFor(() => expect(within(dialog).getByLabelText(/^Identifier/)).toHaveAccessibleDescription(/already has this identifier/));

    taken = false;
    await u.clear(within(dialog).getByLabelText(/^Identifier/));
    await u.type(within(dialog).getByLabelText(/^Identifier/), 'https://calendar.example.test');
    await u.click(within(dialog).getByRole('button', { name: 'Create resource server' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(admin.calls.filter((c) => c.procedure === 'resources.create').at(-1)?.input).toEqual({
      identifier: 'https://calendar.example.test',
      name: 'Calendar',
      scopes: [],
      customScopes: [{ name: 'calendar:read', description: 'Read your calendar' }],
      tokenFormat: 'opaque',
      accessTokenTtl: null,
    });
  });

  it('edits a built-in one without its identifier, and deletes an own one after confirming', async () => {
    const admin = fakeAdmin({
      'resources.list': () => ({ items: [builtIn, notes] }),
      'resources.update': (input) => ({ ...builtIn, ...input }) as ResourceServer,
      'resources.delete': () => ({ deleted: true as const }),
    });
    renderConsole(<ResourcesScreen />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'Edit Sample MCP server' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText(/^Identifier/)).toBeDisabled();
    await u.clear(within(dialog).getByLabelText(/^Name/));
    await u.type(within(dialog).getByLabelText(/^Name/), 'MCP');
    await u.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const update = admin.calls.find((c) => c.procedure === 'resources.update')?.input as Record<string, unknown>;
    expect(update).toMatchObject({ id: builtIn.id, name: 'MCP' });
    expect(update).not.toHaveProperty('identifier');

    await u.click(screen.getByRole('button', { name: 'Delete Notes API' }));
    const confirm = await screen.findByRole('dialog');
    expect(confirm).toHaveTextContent('invalid_target');
    expect(admin.calls.some((c) => c.procedure === 'resources.delete')).toBe(false);
    await u.click(within(confirm).getByRole('button', { name: 'Delete resource server' }));
    await waitFor(() => expect(admin.calls.find((c) => c.procedure === 'resources.delete')?.input).toEqual({ id: 'rs_notes' }));
  });
});
