import { Badge, Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useAdminMutation, useAdminQuery } from '../../admin/hooks';
import { Empty, QueryState } from '../../components/feedback';
import { IconAction } from '../../components/IconAction';
import { IconTrash } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { ClockCard } from './ClockCard';
import { describeRule } from './describe-rule';
import { RuleForm } from './RuleForm';

/** Fault and latency simulation and time travel: what real providers do on a bad day, on demand. */
export function SimulationScreen() {
  const simulation = useAdminQuery('simulation.list', {});
  const remove = useAdminMutation('simulation.delete');
  const clear = useAdminMutation('simulation.clear');
  const items = simulation.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Simulation"
        description="Make endpoints answer RFC errors, 429/503 with Retry-After or slowly, for the next N requests, a share of them or until cleared; travel in time."
        actions={
          <Button color="orange" variant="light" disabled={items.length === 0} loading={clear.isPending} onClick={() => clear.mutate({})}>
            Clear all rules
          </Button>
        }
      />
      <Stack>
        <QueryState query={simulation} loadingLabel="Loading simulation rules…">
          {simulation.data ? <ClockCard key={simulation.data.clockOffsetSeconds} offsetSeconds={simulation.data.clockOffsetSeconds} serverNow={simulation.data.serverNow} /> : null}
          <Card withBorder padding="md" mt="md">
            <Stack gap="sm">
              <Title order={4}>Rules</Title>
              {items.length === 0 ? (
                <Empty title="No simulation rules" description="Every endpoint answers as it really would. Add a rule below to meet an error on purpose." />
              ) : (
                <Table verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Rule</Table.Th>
                      <Table.Th>Answered</Table.Th>
                      <Table.Th>Since</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((rule) => (
                      <Table.Tr key={rule.id}>
                        <Table.Td>
                          <Text size="sm">{describeRule(rule)}</Text>
                          {rule.spentAt !== null ? (
                            <Badge size="xs" color="gray" variant="outline">
                              spent
                            </Badge>
                          ) : (
                            <Badge size="xs" color="orange" variant="light">
                              in effect
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td>{rule.applied}</Table.Td>
                        <Table.Td>{formatDateTime(rule.createdAt)}</Table.Td>
                        <Table.Td>
                          <IconAction tooltip="Remove" label={`Remove rule ${describeRule(rule)}`} icon={<IconTrash size={16} />} onClick={() => remove.mutate({ id: rule.id })} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Stack>
          </Card>
        </QueryState>
        <Card withBorder padding="md">
          <Stack gap="sm">
            <Title order={4}>New rule</Title>
            <RuleForm />
          </Stack>
        </Card>
      </Stack>
    </>
  );
}
