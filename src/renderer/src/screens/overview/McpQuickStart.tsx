import { Alert, Code, Stack, Table, Text, Title } from '@mantine/core';
import type { App } from '../../../../shared/contract';
import { SAMPLE_MCP_TOOLS } from '../../../../shared/sample-mcp';
import { CopyValue } from '../../components/copy';
import { SnippetTabs } from '../../components/SnippetTabs';
import { mcpRecipe } from '../../lib/mcp-quick-start';

/** "Connect an MCP client": the sample MCP server's URL, its tools and scopes, and client configuration for one app. */
export function McpQuickStart({ app, issuer }: { app: App; issuer: string }) {
  const recipe = mcpRecipe(app, issuer);
  return (
    <Stack gap="sm" mt="lg">
      <div>
        <Title order={4}>Connect an MCP client</Title>
        <Text size="sm" c="dimmed">
          The sample MCP server takes this app&apos;s access tokens. Without one it answers 401 naming its metadata, so clients that sign in
          themselves find their way; a tool whose scope the token lacks answers 403 naming the scopes to ask for.
        </Text>
      </div>
      <CopyValue value={recipe.url} label="MCP server URL" />
      <Table verticalSpacing={4} withRowBorders={false} aria-label="MCP tools and scopes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Tool</Table.Th>
            <Table.Th>Scope</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {SAMPLE_MCP_TOOLS.map((tool) => (
            <Table.Tr key={tool.name}>
              <Table.Td className="mono">{tool.name}</Table.Td>
              <Table.Td className="mono">{tool.scope ?? 'any valid token'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {recipe.unreachable.length > 0 ? (
        <Alert color="orange" title="Some tools are out of this app's reach">
          It may not ask for {[...new Set(recipe.unreachable.map((u) => u.scope))].join(', ')}, so {recipe.unreachable.map((u) => u.tool).join(', ')} will
          answer 403. Add the scopes in the app&apos;s settings.
        </Alert>
      ) : null}
      {recipe.missingRedirect ? (
        <Text size="sm" c="dimmed">
          For Claude Code&apos;s own sign-in, add <Code>{recipe.missingRedirect}</Code> to the app&apos;s redirect URIs.
        </Text>
      ) : null}
      <SnippetTabs snippets={recipe.snippets} copyLabel="MCP snippet" />
    </Stack>
  );
}
