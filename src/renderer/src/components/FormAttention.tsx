import type { ReactNode } from 'react';
import { Alert, Stack, Text } from '@mantine/core';
import { attentionText, FORM_ATTENTION_ATTRIBUTE, FORM_ERROR, unplacedErrors, type FieldLabels } from '../lib/form-fields';

/**
 * The line above a form's buttons that names the fields needing attention
 * ("Redirect URIs needs attention."), with any error that has no field of
 * its own in words. Nothing while the form has no error.
 */
export function FormAttention({ errors, labels, title = 'The server refused this' }: { errors: Record<string, ReactNode>; labels: FieldLabels; title?: string }) {
  const text = attentionText(errors, labels);
  if (!text) return null;
  const unplaced = unplacedErrors(errors, labels);
  return (
    <Stack gap="xs" tabIndex={-1} {...{ [FORM_ATTENTION_ATTRIBUTE]: '' }} style={{ outline: 'none' }}>
      {unplaced.length > 0 ? (
        <Alert color="red" variant="light" title={title}>
          {unplaced.map(([field, message]) => (
            <Text size="sm" key={field}>
              {field === FORM_ERROR ? message : <>{`${field}: `}{message}</>}
            </Text>
          ))}
        </Alert>
      ) : null}
      <Text c="red" size="sm" role="alert">
        {text}
      </Text>
    </Stack>
  );
}
