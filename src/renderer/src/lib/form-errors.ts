import type { z } from 'zod';
import { AdminError, fieldErrorsFrom, type FieldError } from '../../../shared/contract';

export type FormErrors = Record<string, string>;

/** Field errors by field; an entry of a list (`groups.2`) is reported on the list. */
export function formErrorsOf(fields: FieldError[]): FormErrors {
  const errors: FormErrors = {};
  for (const { field, message } of fields) {
    const key = field.split('.')[0] || 'form';
    if (!errors[key]) errors[key] = message;
  }
  return errors;
}

/** Runs the contract's input schema in the console, so mistakes show before anything is sent. */
export function validateWith(schema: z.ZodType, input: unknown): FormErrors {
  const result = schema.safeParse(input);
  return result.success ? {} : formErrorsOf(fieldErrorsFrom(result.error));
}

/** The field errors a rejected call carries (empty for errors of another kind). */
export function serverFieldErrors(error: unknown): FormErrors {
  return error instanceof AdminError ? formErrorsOf(error.fields) : {};
}
