import { Fieldset, NumberInput, SimpleGrid, Text } from '@mantine/core';
import type { AppLifetimes } from '../../../../shared/contract';
import type { AppFormValues } from './app-form-model';

const LABELS: Record<keyof AppLifetimes, string> = {
  accessToken: 'Access token (s)',
  refreshToken: 'Refresh token (s)',
  idToken: 'ID token (s)',
  authorizationCode: 'Authorization code (s)',
};

/**
 * Per-app lifetime overrides for expiry testing: empty follows the server
 * (Settings). The app's access-token lifetime wins over a resource server's.
 */
export function LifetimeFields({ values, error, onChange }: { values: AppFormValues['lifetimes']; error?: string; onChange: (next: AppFormValues['lifetimes']) => void }) {
  return (
    <Fieldset legend="Lifetimes for expiry testing">
      <Text size="xs" c="dimmed" mb="xs">
        Seconds; empty follows the server. For example 30 makes this app&apos;s access tokens expire in half a minute. The access-token lifetime also wins over a resource server&apos;s.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {(Object.keys(LABELS) as Array<keyof AppLifetimes>).map((key) => (
          <NumberInput
            key={key}
            label={LABELS[key]}
            placeholder="server setting"
            min={1}
            allowDecimal={false}
            value={values[key]}
            onChange={(v) => onChange({ ...values, [key]: typeof v === 'number' ? v : '' })}
          />
        ))}
      </SimpleGrid>
      {error ? (
        <Text size="sm" c="red" mt="xs">
          {error}
        </Text>
      ) : null}
    </Fieldset>
  );
}
