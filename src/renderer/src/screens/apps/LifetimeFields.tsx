import { Fieldset, NumberInput, SimpleGrid, Text } from '@mantine/core';
import type { AppLifetimes, AppsCreateInput } from '../../../../shared/contract';
import type { ContractForm } from '../../lib/use-contract-form';
import { APP_FIELD_LABELS, type AppEditInput, type AppFormValues } from './app-form-model';

const KEYS: Array<keyof AppLifetimes> = ['accessToken', 'refreshToken', 'idToken', 'authorizationCode'];

/**
 * Per-app lifetime overrides for expiry testing: empty follows the server
 * (Settings). The app's access-token lifetime wins over a resource server's.
 */
export function LifetimeFields({ form }: { form: ContractForm<AppFormValues, AppsCreateInput | AppEditInput> }) {
  return (
    <Fieldset legend="Lifetimes for expiry testing">
      <Text size="xs" c="dimmed" mb="xs">
        Seconds; empty follows the server. For example 30 makes this app&apos;s access tokens expire in half a minute. The access-token lifetime also wins over a resource server&apos;s.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {KEYS.map((key) => (
          <NumberInput
            key={key}
            label={APP_FIELD_LABELS[`lifetimes.${key}`]}
            placeholder="server setting"
            min={1}
            allowDecimal={false}
            {...form.getInputProps(`lifetimes.${key}`)}
            onChange={(v) => form.setFieldValue(`lifetimes.${key}`, typeof v === 'number' ? v : '')}
          />
        ))}
      </SimpleGrid>
    </Fieldset>
  );
}
