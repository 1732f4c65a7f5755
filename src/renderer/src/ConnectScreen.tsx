import { useState } from 'react';
import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';

/**
 * Shown in a browser without an admin token (or with a refused one): the
 * server prints a console URL carrying a fresh token at every start.
 */
export function ConnectScreen({ refused, onToken }: { refused: boolean; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" maw={520} w="100%" component="main">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (token.trim()) onToken(token.trim());
          }}
        >
          <Stack>
            <Title order={2}>OAuth Console</Title>
            {refused ? (
              <Alert color="red" variant="light" title="The admin token was refused" role="alert">
                The server restarted or the token is wrong. Each start mints a new token.
              </Alert>
            ) : null}
            <Text>
              Open the console URL that <Code>npm run serve</Code> printed at start; it carries the admin token after <Code>#token=</Code>. Or paste the
              token here.
            </Text>
            <PasswordInput label="Admin token" value={token} onChange={(e) => setToken(e.currentTarget.value)} autoComplete="off" autoFocus />
            <Button type="submit" disabled={!token.trim()}>
              Connect
            </Button>
            <Text size="xs" c="dimmed">
              The token is kept in this tab only (session storage) and sent in a header, never in a cookie.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
