import { useState } from 'react';
import { Button, Divider, Group, Modal, MultiSelect, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { tokenRequestInput, type MintedTokens, type ResourceServer, type TokenEvaluation } from '../../../../../shared/contract';
import { useAdmin, useAdminMutation, useAdminQuery } from '../../../admin/hooks';
import { useLookups } from '../../../admin/lookups';
import { ErrorAlert, QueryState } from '../../../components/feedback';
import { useFormSubmit } from '../../../lib/use-form-submit';
import { EvaluationView } from './EvaluationView';
import { MintedTokensView } from './MintedTokensView';
import { requestOf, useTokenRequestForm } from './token-request-form';

/**
 * "Mint a token" and "Evaluate": choose an app, a user (or its bot), a
 * workspace, scopes and a resource; Evaluate shows what would be issued,
 * Mint issues real tokens (shown once). The server applies the consent
 * rules; its field errors land on the fields.
 */
export function MintDialog({ opened, appId = null, onClose }: { opened: boolean; appId?: string | null; onClose: () => void }) {
  const resources = useAdminQuery('resources.list', {}, { enabled: opened });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>Mint a token</Text>} size="xl" centered>
      <QueryState query={resources} loadingLabel="Loading resources…">
        {opened ? <MintForm resources={resources.data?.items ?? []} appId={appId} onClose={onClose} /> : null}
      </QueryState>
    </Modal>
  );
}

function MintForm({ resources, appId, onClose }: { resources: ResourceServer[]; appId: string | null; onClose: () => void }) {
  const lookups = useLookups();
  const { values, set, options, app, scopes } = useTokenRequestForm(lookups.apps, lookups.users, resources, appId);
  const { connection } = useAdmin();
  const mint = useAdminMutation('tokens.mint');
  const [evaluation, setEvaluation] = useState<TokenEvaluation | null>(null);
  const [minted, setMinted] = useState<MintedTokens | null>(null);
  const evaluate = useFormSubmit(tokenRequestInput, async (input: ReturnType<typeof requestOf>) => {
    setMinted(null);
    setEvaluation(await connection.client.tokens.evaluate(input));
  });
  const issue = useFormSubmit(tokenRequestInput, async (input: ReturnType<typeof requestOf>) => {
    setEvaluation(null);
    setMinted(await mint.mutateAsync(input));
  });
  const errors = { ...evaluate.errors, ...issue.errors };
  const error = issue.error ?? evaluate.error;
  const change: typeof set = (key, value) => {
    setEvaluation(null);
    set(key, value);
  };
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select label="App" withAsterisk data={lookups.apps.map((a) => ({ value: a.id, label: a.name }))} value={values.appId} onChange={(v) => change('appId', v)} error={errors.appId} searchable />
        <Select label="User" description="Who the tokens act for, or the app's bot" data={options.users} value={values.userId} onChange={(v) => change('userId', v)} error={errors.userId} searchable clearable />
        <Select label="Actor" data={options.actors} value={values.actor} onChange={(v) => change('actor', v as 'self' | 'app' | null)} error={errors.actor} placeholder={app ? `${app.actorModes[0]} (the app's first)` : undefined} clearable />
        <Select
          label="Workspace"
          data={options.workspaces}
          value={values.workspaceId}
          onChange={(v) => change('workspaceId', v)}
          error={errors.workspaceId}
          placeholder="The app's, if the user is a member"
          clearable
        />
      </SimpleGrid>
      <MultiSelect label="Scopes" data={options.scopes} value={scopes} onChange={(v) => change('scopes', v)} error={errors.scopes} searchable />
      <Select
        label="Resource"
        description="RFC 8707: the access token's audience (the MCP server needs its own)"
        data={options.resources}
        value={values.resource}
        onChange={(v) => change('resource', v)}
        error={errors.resource}
        placeholder="None"
        clearable
      />
      {error && error.fields.length === 0 ? <ErrorAlert error={error} /> : null}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
        <Button variant="light" loading={evaluate.pending} onClick={() => {
            issue.reset();
            void evaluate.submit(requestOf(values));
          }}>
          Evaluate
        </Button>
        <Button loading={issue.pending} onClick={() => {
            evaluate.reset();
            void issue.submit(requestOf(values));
          }}>
          Mint token
        </Button>
      </Group>
      {evaluation || minted ? <Divider /> : null}
      {evaluation ? <EvaluationView evaluation={evaluation} /> : null}
      {minted ? <MintedTokensView minted={minted} /> : null}
    </Stack>
  );
}
