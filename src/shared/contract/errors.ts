import { z } from 'zod';

/**
 * What went wrong, as a machine-readable code:
 * - `invalid_input`: the input failed validation; `fields` names each bad field.
 * - `not_found`: the thing the input names does not exist.
 * - `conflict`: the change would break a rule (duplicate slug, last owner, ...).
 * - `unauthorized` / `forbidden`: the caller is not allowed (HTTP transport).
 * - `unknown_procedure`: no procedure has this name.
 * - `unavailable`: the transport could not reach the admin service.
 * - `internal`: a bug; details are in the activity log, never in the error.
 */
export const ADMIN_ERROR_CODES = ['invalid_input', 'not_found', 'conflict', 'unauthorized', 'forbidden', 'unknown_procedure', 'unavailable', 'internal'] as const;
export type AdminErrorCode = (typeof ADMIN_ERROR_CODES)[number];

export const fieldErrorSchema = z.object({
  /** Dotted path of the field in the input, e.g. `redirectUris.1`; empty for the input as a whole. */
  field: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const adminErrorBodySchema = z.object({
  code: z.enum(ADMIN_ERROR_CODES),
  message: z.string(),
  fields: z.array(fieldErrorSchema).optional(),
});
export type AdminErrorBody = z.infer<typeof adminErrorBodySchema>;

/** What a transport carries back: the procedure's output, or a structured error. */
export const adminResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: adminErrorBodySchema }),
]);
export type AdminResult = { ok: true; data: unknown } | { ok: false; error: AdminErrorBody };

/** The error every admin client call rejects with. */
export class AdminError extends Error {
  override name = 'AdminError';
  readonly code: AdminErrorCode;
  readonly fields: FieldError[];

  constructor(body: AdminErrorBody) {
    super(body.message);
    this.code = body.code;
    this.fields = body.fields ?? [];
  }

  /** The message for one field, for showing next to a form input. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }

  toBody(): AdminErrorBody {
    return { code: this.code, message: this.message, ...(this.fields.length ? { fields: this.fields } : {}) };
  }
}

const FIELD_NAME = /^[A-Za-z_$][\w$-]{0,39}$/;

/** Turns zod issues into field errors (`path.join('.')`); an unknown key is named as its own field. */
export function fieldErrorsFrom(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      // A key that is no plausible field name (a pasted token, say) is not echoed back.
      return issue.keys.map((key) =>
        FIELD_NAME.test(key) ? { field: [...path, key].join('.'), message: 'unknown field' } : { field: path.join('.'), message: 'unknown field (its name is not shown)' },
      );
    }
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    return [{ field: path.join('.'), message: missing ? 'required' : issue.message }];
  });
}

/** Summarises field errors in one line: `name: too long; scopes.2: unknown scope`. */
export function describeFieldErrors(fields: FieldError[]): string {
  return fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ');
}

/** Unwraps a transport result: returns the data or throws an AdminError. */
export function unwrapAdminResult(result: unknown): unknown {
  const parsed = adminResultSchema.safeParse(result);
  if (!parsed.success) throw new AdminError({ code: 'internal', message: 'The admin service sent an answer in an unknown shape' });
  if (parsed.data.ok) return parsed.data.data;
  throw new AdminError(parsed.data.error);
}
