import { useRef, useState } from 'react';
import { Button, Divider, Group, Modal, MultiSelect, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import type { MintedTokens, ResourceServer, TokenEvaluation, TokenRequest } from '../../../../../shared/contract';
import { useAdmin, useAdminMutation, useAdminQuery } from '../../../admin/hooks';
import { useLookups } from '../../../admin/lookups';
import { ErrorAlert, QueryState } from '../../../components/feedback';
import { FormAttention } from '../../../components/FormAttention';
import { EvaluationView } from './EvaluationView';
import { MintedTokensView } from './MintedTokensView';
import { useTokenRequestForm } from './token-request-form';

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
  const { connection } = useAdmin();
  const mint = useAdminMutation('tokens.mint');
  const [evaluation, setEvaluation] = useState<TokenEvaluation | null>(null);
  const [minted, setMinted] = useState<MintedTokens | null>(null);
  /** Which button submitted: both send the same request. */
  const action = useRef<'evaluate' | 'mint'>('evaluate');
  const send = async (input: TokenRequest) => {
    setEvaluation(null);
    setMinted(null);
    if (action.current === 'evaluate') setEvaluation(await connection.client.tokens.evaluate(input));
    else setMinted(await mint.mutateAsync(input));
  };
  const { form, root, onSubmit, failure, labels, values, set, field, options, app, scopes } = useTokenRequestForm(lookups.apps, lookups.users, resources, appId, send);
  const change: typeof set = (key, value) => {
    setEvaluation(null);
    set(key, value);
  };
  return (
    <form ref={root} noValidate onSubmit={onSubmit}>
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select label={labels.appId} withAsterisk data={lookups.apps.map((a) => ({ value: a.id, label: a.name }))} {...field('appId')} value={values.appId} onChange={(v) => change('appId', v)} searchable />
        <Select label={labels.userId} description="Who the tokens act for, or the app's bot" data={options.users} {...field('userId')} value={values.userId} onChange={(v) => change('userId', v)} searchable clearable />
        <Select label={labels.actor} data={options.actors} {...field('actor')} value={values.actor} onChange={(v) => change('actor', v as 'self' | 'app' | null)} placeholder={app ? `${app.actorModes[0]} (the app's first)` : undefined} clearable />
        <Select
          label={labels.workspaceId}
          data={options.workspaces}
          {...field('workspaceId')}
          value={values.workspaceId}
          onChange={(v) => change('workspaceId', v)}
          placeholder="The app's, if the user is a member"
          clearable
        />
      </SimpleGrid>
      <MultiSelect label={labels.scopes} data={options.scopes} {...field('scopes')} value={scopes} onChange={(v) => change('scopes', v)} searchable />
      <Select
        label={labels.resource}
        description="RFC 8707: the access token's audience (the MCP server needs its own)"
        data={options.resources}
        {...field('resource')}
        value={values.resource}
        onChange={(v) => change('resource', v)}
        placeholder="None"
        clearable
      />
      <FormAttention errors={form.errors} labels={labels} />
      {failure ? <ErrorAlert error={failure} /> : null}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
        <Button type="submit" variant="light" loading={form.submitting && action.current === 'evaluate'} onClick={() => (action.current = 'evaluate')}>
          Evaluate
        </Button>
        <Button type="submit" loading={form.submitting && action.current === 'mint'} onClick={() => (action.current = 'mint')}>
          Mint token
        </Button>
      </Group>
      {evaluation || minted ? <Divider /> : null}
      {evaluation ? <EvaluationView evaluation={evaluation} /> : null}
      {minted ? <MintedTokensView minted={minted} /> : null}
    </Stack>
    </form>
  );
}
