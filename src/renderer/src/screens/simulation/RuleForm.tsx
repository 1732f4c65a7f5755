import { Button, Group, NumberInput, Select, Stack } from '@mantine/core';
import {
  ERRORS_OF_ENDPOINT,
  SIMULATION_ENDPOINTS,
  SIMULATION_GRANT_TYPES,
  simulationCreateInput,
  type SimulationCreateInput,
} from '../../../../shared/contract';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { ErrorAlert } from '../../components/feedback';
import { FormAttention } from '../../components/FormAttention';
import { useContractForm } from '../../lib/use-contract-form';
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

const LABELS = {
  endpoint: 'Endpoint',
  appId: 'App',
  grantType: 'Grant type',
  effect: 'Effect',
  error: 'Error',
  status: 'Status',
  retryAfterSeconds: 'Retry-After (s)',
  latencyMs: 'Latency (ms)',
  mode: 'For',
  count: 'Requests (N)',
  percent: 'Share (%)',
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
  const create = useAdminMutation('simulation.create');
  const apps = useAdminQuery('apps.list', { limit: 200 });
  const { form, root, onSubmit, failure, labels } = useContractForm({
    schema: simulationCreateInput,
    toInput: inputOf,
    labels: LABELS,
    initialValues: START,
    send: (input) => create.mutateAsync(input),
    onSuccess: (_rule, ruleForm) => ruleForm.reset(),
  });
  const draft = form.values;
  return (
    <form ref={root} noValidate onSubmit={onSubmit}>
    <Stack gap="sm">
      <Group grow align="flex-start">
        <Select
          label={LABELS.endpoint}
          data={SIMULATION_ENDPOINTS.map((e) => ({ value: e, label: endpointLabel(e) }))}
          {...form.getInputProps('endpoint')}
          onChange={(v) => v && form.setValues({ endpoint: v as Draft['endpoint'], error: ERRORS_OF_ENDPOINT[v as Draft['endpoint']][0] ?? null })}
          allowDeselect={false}
        />
        <Select
          label={LABELS.appId}
          placeholder="Every app"
          clearable
          data={(apps.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))}
          {...form.getInputProps('appId')}
        />
        <Select
          label={LABELS.grantType}
          placeholder="Any grant type"
          clearable
          disabled={draft.endpoint !== 'token'}
          data={[...SIMULATION_GRANT_TYPES]}
          {...form.getInputProps('grantType')}
        />
      </Group>
      <Group grow align="flex-start">
        <Select
          label={LABELS.effect}
          data={[
            { value: 'error', label: 'RFC error' },
            { value: 'status', label: 'HTTP 429 / 503 with Retry-After' },
            { value: 'latency', label: 'Latency' },
          ]}
          {...form.getInputProps('effect')}
          allowDeselect={false}
        />
        {draft.effect === 'error' ? (
          <Select label={LABELS.error} data={[...ERRORS_OF_ENDPOINT[draft.endpoint]]} {...form.getInputProps('error')} allowDeselect={false} />
        ) : null}
        {draft.effect === 'status' ? <Select label={LABELS.status} data={['429', '503']} {...form.getInputProps('status')} allowDeselect={false} /> : null}
        {draft.effect === 'status' || (draft.effect === 'error' && draft.error === 'temporarily_unavailable') ? (
          <NumberInput label={LABELS.retryAfterSeconds} placeholder="30" min={0} {...form.getInputProps('retryAfterSeconds')} />
        ) : null}
        {draft.effect === 'latency' ? <NumberInput label={LABELS.latencyMs} min={1} {...form.getInputProps('latencyMs')} /> : null}
      </Group>
      <Group grow align="flex-start">
        <Select
          label={LABELS.mode}
          data={[
            { value: 'next', label: 'The next N requests' },
            { value: 'share', label: 'A share of requests' },
            { value: 'until_cleared', label: 'Every request until cleared' },
          ]}
          {...form.getInputProps('mode')}
          allowDeselect={false}
        />
        {draft.mode === 'next' ? <NumberInput label={LABELS.count} min={1} {...form.getInputProps('count')} /> : null}
        {draft.mode === 'share' ? <NumberInput label={LABELS.percent} min={1} max={100} {...form.getInputProps('percent')} /> : null}
      </Group>
      <FormAttention errors={form.errors} labels={labels} />
      {failure ? <ErrorAlert error={failure} /> : null}
      <Group>
        <Button type="submit" loading={form.submitting}>
          Add rule
        </Button>
      </Group>
    </Stack>
    </form>
  );
}
