import type { ReactNode } from 'react';

/**
 * A form's fields in the order they appear, each with the label people see.
 * A `*` segment stands for a row index: `redirectUris.*` is every row of the
 * redirect URI list, `customScopes.*.name` the name input of each own scope.
 */
export type FieldLabels = Record<string, string>;

/** The key of an error about the input as a whole, or about a field the form has no input for. */
export const FORM_ERROR = '_form';

/** Marks a form's attention summary, so the form can focus it when no field of its own has the error. */
export const FORM_ATTENTION_ATTRIBUTE = 'data-form-attention';

const matches = (pattern: string[], segments: string[]) => pattern.length === segments.length && pattern.every((p, i) => p === segments[i] || (p === '*' && /^\d+$/.test(segments[i]!)));

function labelKeyOf(path: string, labels: FieldLabels): string | undefined {
  const segments = path.split('.');
  return Object.keys(labels).find((key) => matches(key.split('.'), segments));
}

/**
 * Where an error on `path` shows: on its own input when the form has one,
 * else on the nearest field that holds it (`scopes.3` on the scope list),
 * else it keeps its path and is listed in words (an unplaced error).
 */
export function placeField(path: string, labels: FieldLabels): string {
  const segments = path.split('.');
  for (let n = segments.length; n > 0; n--) {
    const prefix = segments.slice(0, n).join('.');
    if (labelKeyOf(prefix, labels)) return prefix;
  }
  return path || FORM_ERROR;
}

/** The label of a placed field, or undefined for an unplaced error. */
export function labelOf(path: string, labels: FieldLabels): string | undefined {
  const key = labelKeyOf(path, labels);
  return key === undefined ? undefined : labels[key];
}

/** Names in words: "A", "A and B", "A, B and C". */
function listed(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * What the summary above a form's buttons says: the fields that need
 * attention by their labels, in the form's order ("Redirect URIs needs
 * attention."); null when no field has an error.
 */
export function attentionText(errors: Record<string, ReactNode>, labels: FieldLabels): string | null {
  const named = new Set<string>();
  for (const path of Object.keys(errors)) {
    const label = labelOf(path, labels);
    if (label) named.add(label);
  }
  const order = [...new Set(Object.values(labels))];
  const names = order.filter((label) => named.has(label));
  const others = Object.keys(errors).filter((path) => !labelOf(path, labels)).length;
  const count = names.length + others;
  if (count === 0) return null;
  if (names.length === 0) return count === 1 ? 'One problem needs attention.' : `${count} problems need attention.`;
  const subject = others > 0 ? `${listed(names)} (and ${others} more)` : listed(names);
  return count === 1 ? `${subject} needs attention.` : `${count} fields need attention: ${subject}.`;
}

/** Errors with no field of their own in the form, to be shown in words with their path. */
export function unplacedErrors(errors: Record<string, ReactNode>, labels: FieldLabels): Array<[string, ReactNode]> {
  return Object.entries(errors).filter(([path]) => !labelOf(path, labels));
}
