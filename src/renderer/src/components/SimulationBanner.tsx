import { Alert, Button, Group, List, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useAdminMutation, useAdminQuery } from '../admin/hooks';
import { describeOffset, describeRule } from '../screens/simulation/describe-rule';

const REFRESH_MS = 10_000;

/**
 * A banner over every screen while a simulation is in effect (a fault or
 * latency rule, or a clock offset): what is active, and "Clear all", so
 * nobody forgets the server is misbehaving on purpose.
 */
export function SimulationBanner() {
  const simulation = useAdminQuery('simulation.list', {}, { refetchInterval: REFRESH_MS });
  const clear = useAdminMutation('simulation.clear');
  const active = (simulation.data?.items ?? []).filter((rule) => rule.spentAt === null);
  const offset = simulation.data?.clockOffsetSeconds ?? 0;
  if (active.length === 0 && offset === 0) return null;
  return (
    <Alert color="orange" title="Simulation in effect" mb="md" role="status" aria-label="Simulation in effect">
      <List size="sm" spacing={2}>
        {offset !== 0 ? <List.Item>Server clock {describeOffset(offset)} (time travel)</List.Item> : null}
        {active.slice(0, 5).map((rule) => (
          <List.Item key={rule.id}>{describeRule(rule)}</List.Item>
        ))}
        {active.length > 5 ? <List.Item>and {active.length - 5} more</List.Item> : null}
      </List>
      <Group mt="xs" gap="xs">
        <Button size="xs" color="orange" loading={clear.isPending} onClick={() => clear.mutate({ clock: true })}>
          Clear all
        </Button>
        <Button size="xs" variant="subtle" component={Link} to="/simulation">
          Open Simulation
        </Button>
        {clear.error ? (
          <Text size="xs" c="red">
            {clear.error.message}
          </Text>
        ) : null}
      </Group>
    </Alert>
  );
}
