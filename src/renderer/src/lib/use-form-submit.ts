import { useState } from 'react';
import type { z } from 'zod';
import { AdminError } from '../../../shared/contract';
import { serverFieldErrors, validateWith, type FormErrors } from './form-errors';

/**
 * Submitting a small form against one procedure: the contract's schema
 * checks it first, the server's field errors land on the same fields, and
 * any other error is kept to be shown in words.
 */
export function useFormSubmit<I>(schema: z.ZodType, send: (input: I) => Promise<unknown>) {
  const [errors, setErrors] = useState<FormErrors>({});
  const [error, setError] = useState<AdminError | null>(null);
  const [pending, setPending] = useState(false);
  const reset = () => {
    setErrors({});
    setError(null);
  };
  const submit = async (input: I): Promise<boolean> => {
    setError(null);
    const found = validateWith(schema, input);
    setErrors(found);
    if (Object.keys(found).length > 0) return false;
    setPending(true);
    try {
      await send(input);
      return true;
    } catch (err) {
      const adminError = err instanceof AdminError ? err : new AdminError({ code: 'internal', message: String((err as Error)?.message ?? err) });
      setErrors(serverFieldErrors(adminError));
      setError(adminError);
      return false;
    } finally {
      setPending(false);
    }
  };
  return { errors, error, pending, submit, reset };
}
