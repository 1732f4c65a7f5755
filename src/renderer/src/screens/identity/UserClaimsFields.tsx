import { Fieldset, JsonInput, SimpleGrid, Switch, TextInput } from '@mantine/core';
import type { GetInputPropsOptions, GetInputPropsReturnType } from '@mantine/form';
import { z } from 'zod';
import { extraClaimsSchema } from '../../../../shared/user-claims';

/** The claim fields of the user form, as the form holds them (the extra claims as JSON text). */
export type ClaimValues = {
  locale: string;
  emailVerified: boolean;
  phoneNumber: string;
  phoneNumberVerified: boolean;
  extraClaims: string;
};

export const CLAIM_LABELS = {
  locale: 'Locale',
  phoneNumber: 'Phone number',
  emailVerified: 'Verified email address',
  phoneNumberVerified: 'Verified phone number',
  extraClaims: 'Extra claims',
};

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

/**
 * The extra claims as the form sends them (`parseExtraClaims` of the text):
 * a string is why the text is no JSON object; an object is checked by the
 * contract's own rule.
 */
export const extraClaimsFromText = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value === 'string') ctx.addIssue({ code: 'custom', message: value });
  })
  .pipe(extraClaimsSchema);

/** The claims part of the contract's user input. */
export function claimsInput(values: ClaimValues) {
  return {
    locale: values.locale.trim() || null,
    emailVerified: values.emailVerified,
    phoneNumber: values.phoneNumber.trim() || null,
    phoneNumberVerified: values.phoneNumberVerified,
    extraClaims: parseExtraClaims(values.extraClaims),
  };
}

/**
 * Profile claims of a test user: what the ID token and userinfo release by
 * scope (locale with `profile`, the email flag with `email`, the phone with
 * `phone`, extra claims with `profile`). Errors come from the contract.
 */
export function UserClaimsFields({ inputProps: input }: { inputProps: (path: keyof ClaimValues, options?: GetInputPropsOptions) => GetInputPropsReturnType }) {
  return (
    <Fieldset legend="Claims">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={CLAIM_LABELS.locale} description="BCP 47, such as en-GB (profile scope)" placeholder="en-GB" {...input('locale')} />
        <TextInput label={CLAIM_LABELS.phoneNumber} description="E.164, such as +4915112345678 (phone scope)" placeholder="+4915112345678" {...input('phoneNumber')} />
        <Switch label={CLAIM_LABELS.emailVerified} {...input('emailVerified', { type: 'checkbox' })} />
        <Switch label={CLAIM_LABELS.phoneNumberVerified} {...input('phoneNumberVerified', { type: 'checkbox' })} />
      </SimpleGrid>
      <JsonInput
        mt="sm"
        label={CLAIM_LABELS.extraClaims}
        description="A JSON object released with the profile scope in the ID token and userinfo; names the protocol or a standard claim uses are refused."
        placeholder={'{ "tenant": "acme", "beta": true }'}
        autosize
        minRows={3}
        {...input('extraClaims')}
      />
    </Fieldset>
  );
}
