import { Badge, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { TokenInspection } from '../../../../shared/contract';
import { CopyIconButton } from '../../components/copy';

/** The three parts' colours, as jwt.io and most JWT tools draw them. */
const PART_COLORS = ['var(--mantine-color-red-7)', 'var(--mantine-color-grape-7)', 'var(--mantine-color-blue-7)'] as const;
const PART_NAMES = ['header', 'payload', 'signature'] as const;

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The value as pasted: a JWT's three parts in their colours, an opaque value as it is, or why there is none. */
function RawSide({ raw, format }: { raw: string | null; format: TokenInspection['format'] }) {
  if (raw === null) {
    return (
      <Text size="sm" c="dimmed">
        The value is not kept: only its SHA-256 is stored. Paste it under “Paste a token” to see it here.
      </Text>
    );
  }
  const parts = format === 'jwt' ? raw.split('.') : [raw];
  return (
    <Stack gap={6}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="xs" c="dimmed">
          {raw.length} characters
        </Text>
        <CopyIconButton value={raw} label="Copy the raw token" size="sm" />
      </Group>
      <Text className="mono" size="sm" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} aria-label="Raw token" component="div">
        {parts.map((part, i) => (
          <span key={PART_NAMES[i] ?? i}>
            {i > 0 ? '.' : null}
            <span data-part={format === 'jwt' ? PART_NAMES[i] : 'value'} style={format === 'jwt' ? { color: PART_COLORS[i] } : undefined}>
              {part}
            </span>
          </span>
        ))}
      </Text>
    </Stack>
  );
}

function Block({ label, color, children }: { label: string; color?: string; children: string }) {
  return (
    <Stack gap={4}>
      <Text size="xs" fw={700} tt="uppercase" style={color ? { color } : undefined}>
        {label}
      </Text>
      <Code block aria-label={label} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {children}
      </Code>
    </Stack>
  );
}

/** What the value means: a JWT's header, payload and signature; an opaque token's stored record. */
function DecodedSide({ inspection, raw }: { inspection: TokenInspection; raw: string | null }) {
  const jwt = inspection.jwt;
  if (jwt) {
    const payload = Object.fromEntries(jwt.claims.map((c) => [c.name, c.value]));
    const signature = raw?.split('.')[2];
    const sig = jwt.signature;
    return (
      <Stack gap="sm">
        <Block label="Header" color={PART_COLORS[0]}>
          {json(jwt.header)}
        </Block>
        <Block label="Payload" color={PART_COLORS[1]}>
          {json(payload)}
        </Block>
        <Stack gap={4}>
          <Text size="xs" fw={700} tt="uppercase" style={{ color: PART_COLORS[2] }}>
            Signature
          </Text>
          <Group gap={6}>
            <Badge color={sig.verified ? 'teal' : 'red'} variant="light" tt="none">
              {sig.verified ? 'verified with this server’s key' : 'not verified with this server’s keys'}
            </Badge>
            <Text size="xs">
              alg <Code>{sig.alg ?? 'none'}</Code> · kid <Code>{sig.kid ?? 'none'}</Code>
            </Text>
          </Group>
          {signature !== undefined ? (
            <Text className="mono" size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
              {signature || '(empty: an unsigned token)'}
            </Text>
          ) : null}
        </Stack>
      </Stack>
    );
  }
  if (inspection.record) {
    return (
      <Stack gap={4}>
        <Block label="Stored record">{json(inspection.record)}</Block>
        <Text size="xs" c="dimmed">
          An opaque token carries nothing readable: this is the record the server keeps for it, in the shape introspection (RFC 7662) answers.
        </Text>
      </Stack>
    );
  }
  return (
    <Text size="sm" c="dimmed">
      Nothing to decode: an opaque value that matches no stored token.
    </Text>
  );
}

/** Raw and decoded, side by side (stacked on narrow windows). */
export function RawDecodedView({ inspection, raw }: { inspection: TokenInspection; raw: string | null }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" aria-label="Raw and decoded">
      <Paper withBorder p="md" miw={0}>
        <Title order={5} mb="xs">
          Raw
        </Title>
        <RawSide raw={raw} format={inspection.format} />
      </Paper>
      <Paper withBorder p="md" miw={0}>
        <Title order={5} mb="xs">
          Decoded
        </Title>
        <DecodedSide inspection={inspection} raw={raw} />
      </Paper>
    </SimpleGrid>
  );
}
