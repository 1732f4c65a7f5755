import { useState } from 'react';
import { Button, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import {
  ERRORS_OF_ENDPOINT,
  SIMULATION_ENDPOINTS,
  SIMULATION_GRANT_TYPES,
  simulationCreateInput,
  type SimulationCreateInput,
} from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { serverFieldErrors, validateWith, type FormErrors } from '../../lib/form-errors';
import { endpointLabel } from './describe-rule';

type Draft = {
  endpoint: SimulationCreateInput['endpoint'];
  appId: string | null;
  grantType: string | null;
  effect: SimulationCreateInput['effect'];
  error: string | null;
  status: string;
  retryAfterSeconds: number | string;
  latencyMs: number | string;
  mode: SimulationCreateInput['mode'];
  count: number | string;
  percent: number | string;
};

const START: Draft = { endpoint: 'token', appId: null, grantType: null, effect: 'error', error: 'temporarily_unavailable', status: '503', retryAfterSeconds: '', latencyMs: 500, mode: 'next', count: 1, percent: 50 };

const num = (value: number | string) => (typeof value === 'number' ? value : undefined);

/** The contract's input from the form: only the fields the chosen effect and mode use. */
function inputOf(d: Draft): SimulationCreateInput {
  return {
    endpoint: d.endpoint,
    ...(d.appId ? { appId: d.appId } : {}),
    ...(d.grantType && d.endpoint === 'token' ? { grantType: d.grantType as SimulationCreateInput['grantType'] } : {}),
    effect: d.effect,
    ...(d.effect === 'error' && d.error ? { error: d.error as SimulationCreateInput['error'] } : {}),
    ...(d.effect === 'status' ? { status: Number(d.status) as 429 | 503 } : {}),
    ...((d.effect === 'status' || d.error === 'temporarily_unavailable') && num(d.retryAfterSeconds) !== undefined && d.effect !== 'latency' ? { retryAfterSeconds: num(d.retryAfterSeconds) } : {}),
    ...(d.effect === 'latency' ? { latencyMs: num(d.latencyMs) } : {}),
    mode: d.mode,
    ...(d.mode === 'next' ? { count: num(d.count) } : {}),
    ...(d.mode === 'share' ? { percent: num(d.percent) } : {}),
  } as SimulationCreateInput;
}

/** A new rule: endpoint (optionally an app and a grant type), what it answers, and for how many requests. */
export function RuleForm() {
  const [draft, setDraft] = useState<Draft>(START);
  const [errors, setErrors] = useState<FormErrors>({});
  const create = useAdminMutation('simulation.create');
  const apps = useAdminQuery('apps.list', { limit: 200 });
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = async () => {
    const input = inputOf(draft);
    const found = validateWith(simulationCreateInput, input);
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await create.mutateAsync(input);
      setDraft(START);
    } catch (err) {
      setErrors({ form: (err as Error).message, ...serverFieldErrors(err) });
    }
  };
  return (
    <Stack gap="sm">
      <Group grow align="flex-start">
        <Select
          label="Endpoint"
          data={SIMULATION_ENDPOINTS.map((e) => ({ value: e, label: endpointLabel(e) }))}
          value={draft.endpoint}
          onChange={(v) => v && setDraft((d) => ({ ...d, endpoint: v as Draft['endpoint'], error: ERRORS_OF_ENDPOINT[v as Draft['endpoint']][0] ?? null }))}
          allowDeselect={false}
          error={errors.endpoint}
        />
        <Select
          label="App"
          placeholder="Every app"
          clearable
          data={(apps.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))}
          value={draft.appId}
          onChange={(v) => set('appId', v)}
          error={errors.appId}
        />
        <Select
          label="Grant type"
          placeholder="Any grant type"
          clearable
          disabled={draft.endpoint !== 'token'}
          data={[...SIMULATION_GRANT_TYPES]}
          value={draft.grantType}
          onChange={(v) => set('grantType', v)}
          error={errors.grantType}
        />
      </Group>
      <Group grow align="flex-start">
        <Select
          label="Effect"
          data={[
            { value: 'error', label: 'RFC error' },
            { value: 'status', label: 'HTTP 429 / 503 with Retry-After' },
            { value: 'latency', label: 'Latency' },
          ]}
          value={draft.effect}
          onChange={(v) => v && set('effect', v as Draft['effect'])}
          allowDeselect={false}
        />
        {draft.effect === 'error' ? (
          <Select label="Error" data={[...ERRORS_OF_ENDPOINT[draft.endpoint]]} value={draft.error} onChange={(v) => set('error', v)} allowDeselect={false} error={errors.error} />
        ) : null}
        {draft.effect === 'status' ? <Select label="Status" data={['429', '503']} value={draft.status} onChange={(v) => v && set('status', v)} allowDeselect={false} error={errors.status} /> : null}
        {draft.effect === 'status' || (draft.effect === 'error' && draft.error === 'temporarily_unavailable') ? (
          <NumberInput label="Retry-After (s)" placeholder="30" min={0} value={draft.retryAfterSeconds} onChange={(v) => set('retryAfterSeconds', v)} error={errors.retryAfterSeconds} />
        ) : null}
        {draft.effect === 'latency' ? <NumberInput label="Latency (ms)" min={1} value={draft.latencyMs} onChange={(v) => set('latencyMs', v)} error={errors.latencyMs} /> : null}
      </Group>
      <Group grow align="flex-start">
        <Select
          label="For"
          data={[
            { value: 'next', label: 'The next N requests' },
            { value: 'share', label: 'A share of requests' },
            { value: 'until_cleared', label: 'Every request until cleared' },
          ]}
          value={draft.mode}
          onChange={(v) => v && set('mode', v as Draft['mode'])}
          allowDeselect={false}
        />
        {draft.mode === 'next' ? <NumberInput label="Requests (N)" min={1} value={draft.count} onChange={(v) => set('count', v)} error={errors.count} /> : null}
        {draft.mode === 'share' ? <NumberInput label="Share (%)" min={1} max={100} value={draft.percent} onChange={(v) => set('percent', v)} error={errors.percent} /> : null}
      </Group>
      {errors.form ? (
        <Text size="sm" c="red" role="alert">
          {errors.form}
        </Text>
      ) : null}
      <Group>
        <Button onClick={() => void submit()} loading={create.isPending}>
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}
