import { useEffect, useRef, useState } from 'react';
import { useForm, type FormErrors, type UseFormReturnType } from '@mantine/form';
import type { AdminError } from '../../../shared/contract';
import { focusFirstInvalid } from './focus-first-invalid';
import { applyServerErrors, contractResolver, type ContractFormSpec } from './form-errors';
import { FORM_ATTENTION_ATTRIBUTE } from './form-fields';

export type ContractForm<V extends Record<string, unknown>, I> = UseFormReturnType<V, I, (values: V) => FormErrors>;

export interface UseContractFormInput<V extends Record<string, unknown>, I, R> extends ContractFormSpec<V, I> {
  initialValues: V;
  /** Sends the input; a rejection with field errors lands on the fields, any other is kept as `failure`. */
  send: (input: I, form: ContractForm<V, I>) => Promise<R>;
  /** After a send succeeded and its values became the clean state: close, start over, say so. */
  onSuccess?: (result: R, form: ContractForm<V, I>) => void;
}

/**
 * A form (@mantine/form) bound to one procedure of the admin contract. The
 * contract's schema checks the values before anything is sent; the server's
 * field errors land on the same fields; either way the first field that
 * needs attention is focused and scrolled into view (else the summary is).
 * After a successful send the sent values become the form's clean state
 * (`resetDirty`). Put `root` on the `<form>` and `onSubmit` as its handler.
 */
export function useContractForm<V extends Record<string, unknown>, I, R = unknown>({ initialValues, send, onSuccess, ...spec }: UseContractFormInput<V, I, R>) {
  const root = useRef<HTMLFormElement>(null);
  const [failure, setFailure] = useState<AdminError | null>(null);
  const form = useForm<V, I, FormErrors>({ mode: 'controlled', initialValues, validate: contractResolver(spec), transformValues: spec.toInput });

  // Focus moves once the errors are on screen (the summary shows only then): a request, served after the render.
  const [focusRequest, setFocusRequest] = useState<{ paths: string[] } | null>(null);
  useEffect(() => {
    if (!focusRequest) return;
    if (!focusFirstInvalid(root.current, focusRequest.paths)) root.current?.querySelector<HTMLElement>(`[${FORM_ATTENTION_ATTRIBUTE}]`)?.focus();
  }, [focusRequest]);
  const showFirst = (errors: FormErrors) => setFocusRequest({ paths: Object.keys(errors) });

  const onSubmit = form.onSubmit(
    async (input) => {
      setFailure(null);
      const values = form.getValues();
      let result: R;
      try {
        result = await send(input, form);
      } catch (err) {
        const { error, errors } = applyServerErrors(form, err, values, spec);
        if (Object.keys(errors).length > 0) showFirst(errors);
        else setFailure(error);
        return;
      }
      form.resetDirty(values);
      onSuccess?.(result, form);
    },
    (errors) => {
      setFailure(null);
      showFirst(errors);
    },
  );

  return { form, root, onSubmit, failure, labels: spec.labels };
}
