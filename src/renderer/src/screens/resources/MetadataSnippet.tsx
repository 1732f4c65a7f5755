import { Anchor, Code, Group, Stack, Text } from '@mantine/core';
import type { ResourceServer } from '../../../../shared/contract';
import { CopyIconButton } from '../../components/copy';

/**
 * A resource server's RFC 9728 document. The built-in ones are served by
 * this server; for your own, it is the JSON your server should answer at
 * its metadata URL, so MCP clients find this authorization server.
 */
export function MetadataSnippet({ resource }: { resource: ResourceServer }) {
  const json = JSON.stringify(resource.metadata, null, 2);
  return (
    <Stack gap="xs" aria-label={`Protected resource metadata of ${resource.name}`}>
      {resource.builtIn ? (
        <Text size="sm">
          This server serves it at{' '}
          <Anchor href={resource.metadataUrl} target="_blank" rel="noopener noreferrer" className="mono">
            {resource.metadataUrl}
          </Anchor>
          , readable from any origin.
        </Text>
      ) : (
        <Text size="sm">
          Serve this JSON from your server at <Code>{resource.metadataUrl}</Code> (RFC 9728 §3.1), and point to it from your 401 answers with{' '}
          <Code>{`WWW-Authenticate: Bearer resource_metadata="${resource.metadataUrl}"`}</Code>.
        </Text>
      )}
      <Group align="flex-start" gap="xs" wrap="nowrap">
        <Code block style={{ flex: 1, minWidth: 0 }}>
          {json}
        </Code>
        <CopyIconButton value={json} label={`metadata of ${resource.name}`} />
      </Group>
    </Stack>
  );
}
