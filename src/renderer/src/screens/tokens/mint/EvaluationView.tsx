import { Badge, Code, Group, List, SimpleGrid, Stack, Text } from '@mantine/core';
import type { TokenEvaluation } from '../../../../../shared/contract';

function ClaimsBlock({ title, claims, absent }: { title: string; claims: Record<string, unknown> | null; absent: string }) {
  return (
    <Stack gap={4} miw={0}>
      <Text size="sm" fw={700}>
        {title}
      </Text>
      {claims ? (
        <Code block aria-label={title} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {JSON.stringify(claims, null, 2)}
        </Code>
      ) : (
        <Text size="sm" c="dimmed">
          {absent}
        </Text>
      )}
    </Stack>
  );
}

/** What a request would issue (Keycloak's "Evaluate"): the ID token, the access token's claims and userinfo; nothing was issued. */
export function EvaluationView({ evaluation }: { evaluation: TokenEvaluation }) {
  return (
    <Stack gap="sm" data-testid="evaluation">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          Would grant
        </Text>
        {evaluation.plan.scopes.map((s) => (
          <Badge key={s} variant="light" size="sm">
            {s}
          </Badge>
        ))}
        <Badge variant="outline" size="sm" color="gray">
          refresh token: {evaluation.refreshToken ? 'yes' : 'no'}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <ClaimsBlock title="ID token" claims={evaluation.idToken} absent="No ID token." />
        <ClaimsBlock title="Access token" claims={evaluation.accessToken} absent="" />
        <ClaimsBlock title="Userinfo" claims={evaluation.userinfo} absent="Userinfo would refuse this access token." />
      </SimpleGrid>
      {evaluation.notes.length ? (
        <List size="sm" c="dimmed">
          {evaluation.notes.map((note) => (
            <List.Item key={note}>{note}</List.Item>
          ))}
        </List>
      ) : null}
    </Stack>
  );
}
