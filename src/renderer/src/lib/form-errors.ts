import type { ReactNode } from 'react';
import { schemaResolver, type FormErrors } from '@mantine/form';
import type { z } from 'zod';
import { AdminError } from '../../../shared/contract';
import { asAdminError } from '../components/feedback';
import { placeField, type FieldLabels } from './form-fields';

/**
 * How a form talks to one procedure: the contract's schema, the mapping from
 * what the form holds to what the procedure takes, and where errors go back.
 */
export interface ContractFormSpec<V, I> {
  /** The contract's input schema, or one derived from it (`.extend`, `.superRefine`): never rules of the form's own. */
  schema: z.ZodType;
  /** The form's values as the procedure's input (trimmed text, `null` for empty, blank rows dropped). */
  toInput: (values: V) => I;
  /** The form path of an error on input path `path`, where the two differ (a list whose blank rows are not sent); the same path by default. */
  toFormPath?: (path: string, values: V) => string;
  labels: FieldLabels;
}

/** Errors by input path, put on the form's fields: first message per field wins. */
function placeErrors<V>(entries: Array<[string, ReactNode]>, values: V, spec: Pick<ContractFormSpec<V, unknown>, 'toFormPath' | 'labels'>): FormErrors {
  const errors: FormErrors = {};
  for (const [path, message] of entries) {
    const field = placeField(spec.toFormPath ? spec.toFormPath(path, values) : path, spec.labels);
    if (errors[field] === undefined) errors[field] = message;
  }
  return errors;
}

/**
 * The `validate` of a form (@mantine/form): the values are mapped to the
 * procedure's input and checked by the contract's schema through Mantine's
 * `schemaResolver` (synchronously, so errors show as the click ends), and
 * each error lands on the field it is about.
 */
export function contractResolver<V, I>(spec: ContractFormSpec<V, I>): (values: V) => FormErrors {
  const resolve = schemaResolver(spec.schema, { sync: true });
  return (values) => placeErrors(Object.entries(resolve(spec.toInput(values))), values, spec);
}

/**
 * The one place a rejected call's field errors (AdminError `fields`) go into
 * a form, with `form.setErrors`, placed as the form's own checks place
 * theirs. Returns the placed errors (empty when the error is not about
 * fields) and the error as an AdminError.
 */
export function applyServerErrors<V>(
  form: { setErrors: (errors: FormErrors) => void },
  error: unknown,
  values: V,
  spec: Pick<ContractFormSpec<V, unknown>, 'toFormPath' | 'labels'>,
): { error: AdminError; errors: FormErrors } {
  const adminError = asAdminError(error);
  const errors = placeErrors(
    adminError.fields.map((f) => [f.field, f.message]),
    values,
    spec,
  );
  if (Object.keys(errors).length > 0) form.setErrors(errors);
  return { error: adminError, errors };
}
