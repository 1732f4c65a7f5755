// @vitest-environment jsdom
import './setup';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mcpRecipe } from '../../src/renderer/src/lib/mcp-quick-start';
import { OverviewScreen } from '../../src/renderer/src/screens/overview/OverviewScreen';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeApp, makeServerStatus } from './fixtures';

const ISSUER = 'http://127.0.0.1:9090';

const status = makeServerStatus({ issuer: ISSUER });

describe('the MCP client recipe', () => {
  it("gives the /mcp URL, Claude Code with the app's client id and callback port, and JSON configs without any secret", () => {
    const app = makeApp({ scopes: ['openid', 'read:user', 'read:organization'], redirectUris: ['http://localhost:3000/callback'] });
    const recipe = mcpRecipe(app, ISSUER);
    expect(recipe.url).toBe('http://127.0.0.1:9090/mcp');
    expect(recipe.snippets.map((s) => s.id)).toEqual(['mcp-claude-code', 'mcp-claude-desktop', 'mcp-cursor', 'mcp-inspector']);
    const code = (id: string) => recipe.snippets.find((s) => s.id === id)!.code;
    expect(code('mcp-claude-code')).toContain('claude mcp add --transport http --client-id oc_app_demo --client-secret --callback-port 3000 oauth-console-sample http://127.0.0.1:9090/mcp');
    expect(code('mcp-claude-code')).toContain('--header "Authorization: Bearer $ACCESS_TOKEN"');
    expect(recipe.missingRedirect).toBeUndefined();
    expect(JSON.parse(code('mcp-cursor'))).toEqual({ mcpServers: { 'oauth-console-sample': { url: 'http://127.0.0.1:9090/mcp', headers: { Authorization: 'Bearer <access token>' } } } });
    expect(JSON.parse(code('mcp-claude-desktop')).mcpServers['oauth-console-sample']).toMatchObject({ command: 'npx', args: ['mcp-remote', 'http://127.0.0.1:9090/mcp', '--header', 'Authorization:${AUTH_HEADER}'] });
    expect(code('mcp-inspector')).toContain('npx @modelcontextprotocol/inspector --cli http://127.0.0.1:9090/mcp --transport http --method tools/list');
    expect(recipe.unreachable).toEqual([
      { tool: 'list_members', scope: 'read:members' },
      { tool: 'post_comment', scope: 'write:organization' },
    ]);
    expect(recipe.snippets.map((s) => s.code).join('\n')).not.toMatch(/oc_(sec|at)_[A-Za-z0-9]{4,}/);
  });

  it('asks a public app for no secret, and names the redirect URI Claude Code needs when the app has none', () => {
    const recipe = mcpRecipe(makeApp({ clientType: 'public', redirectUris: ['http://127.0.0.1:8765/callback'] }), ISSUER);
    const claude = recipe.snippets[0]!.code;
    expect(claude).not.toContain('--client-secret');
    expect(claude).toContain('--callback-port 8765');
    expect(recipe.missingRedirect).toBe('http://localhost:8765/callback');
  });
});

describe('Connect an MCP client, on the overview', () => {
  it("shows the URL, every tool's scope, what the app cannot reach, and each client's snippet", async () => {
    const app = makeApp({ scopes: ['openid', 'read:user'] });
    renderConsole(<OverviewScreen />, { admin: fakeAdmin({ 'server.status': () => status, 'apps.list': () => ({ items: [app], nextCursor: null }) }) });
    expect(await screen.findByRole('heading', { name: 'Connect an MCP client' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getAllByText('http://127.0.0.1:9090/mcp').length).toBeGreaterThan(0);
    const tools = within(screen.getByRole('table', { name: 'MCP tools and scopes' }));
    expect(tools.getByText('list_members').closest('tr')).toHaveTextContent('read:members');
    expect(tools.getByText('revoke_this_token').closest('tr')).toHaveTextContent('any valid token');
    expect(screen.getByText("Some tools are out of this app's reach")).toBeInTheDocument();
    expect(screen.getByText(/claude mcp add --transport http --client-id oc_app_demo/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: /Cursor/ }));
    expect(await screen.findByText(/"Authorization": "Bearer <access token>"/)).toBeInTheDocument();
  });

  it('shows no recipe while there is no app, only the way to create one', async () => {
    renderConsole(<OverviewScreen />, { admin: fakeAdmin({ 'server.status': () => status, 'apps.list': () => ({ items: [], nextCursor: null }) }) });
    expect(await screen.findByText('No apps yet', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Connect an MCP client' })).not.toBeInTheDocument();
  });
});
