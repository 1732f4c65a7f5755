import { Fieldset, JsonInput, SimpleGrid, Switch, TextInput } from '@mantine/core';
import type { FormErrors } from '../../lib/form-errors';

/** The claim fields of the user form, as the form holds them (the extra claims as JSON text). */
export interface ClaimValues {
  locale: string;
  emailVerified: boolean;
  phoneNumber: string;
  phoneNumberVerified: boolean;
  extraClaims: string;
}

export function claimValuesOf(user: { locale: string | null; emailVerified: boolean; phoneNumber: string | null; phoneNumberVerified: boolean; extraClaims: Record<string, unknown> } | null): ClaimValues {
  return {
    locale: user?.locale ?? '',
    emailVerified: user?.emailVerified ?? true,
    phoneNumber: user?.phoneNumber ?? '',
    phoneNumberVerified: user?.phoneNumberVerified ?? false,
    extraClaims: user && Object.keys(user.extraClaims).length ? JSON.stringify(user.extraClaims, null, 2) : '',
  };
}

/** The extra claims text as an object; a string says why it is not one. */
export function parseExtraClaims(text: string): Record<string, unknown> | string {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : 'must be a JSON object, such as {"tenant": "acme"}';
  } catch {
    return 'is not valid JSON';
  }
}

/** The claims part of the contract's user input (the extra claims parsed: call `parseExtraClaims` first). */
export function claimsInput(values: ClaimValues, extraClaims: Record<string, unknown>) {
  return {
    locale: values.locale.trim() || null,
    emailVerified: values.emailVerified,
    phoneNumber: values.phoneNumber.trim() || null,
    phoneNumberVerified: values.phoneNumberVerified,
    extraClaims,
  };
}

/**
 * Profile claims of a test user: what the ID token and userinfo release by
 * scope (locale with `profile`, the email flag with `email`, the phone with
 * `phone`, extra claims with `profile`). Errors come from the contract.
 */
export function UserClaimsFields({ values, errors, onChange }: { values: ClaimValues; errors: FormErrors; onChange: <K extends keyof ClaimValues>(key: K, value: ClaimValues[K]) => void }) {
  return (
    <Fieldset legend="Claims">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Locale" description="BCP 47, such as en-GB (profile scope)" placeholder="en-GB" value={values.locale} onChange={(e) => onChange('locale', e.currentTarget.value)} error={errors.locale} />
        <TextInput
          label="Phone number"
          description="E.164, such as +4915112345678 (phone scope)"
          placeholder="+4915112345678"
          value={values.phoneNumber}
          onChange={(e) => onChange('phoneNumber', e.currentTarget.value)}
          error={errors.phoneNumber}
        />
        <Switch label="Verified email address" checked={values.emailVerified} onChange={(e) => onChange('emailVerified', e.currentTarget.checked)} />
        <Switch label="Verified phone number" checked={values.phoneNumberVerified} onChange={(e) => onChange('phoneNumberVerified', e.currentTarget.checked)} />
      </SimpleGrid>
      <JsonInput
        mt="sm"
        label="Extra claims"
        description="A JSON object released with the profile scope in the ID token and userinfo; names the protocol or a standard claim uses are refused."
        placeholder={'{ "tenant": "acme", "beta": true }'}
        autosize
        minRows={3}
        value={values.extraClaims}
        onChange={(v) => onChange('extraClaims', v)}
        error={errors.extraClaims}
      />
    </Fieldset>
  );
}
