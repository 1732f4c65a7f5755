import { adminContract, isProcedureName, type AdminHandlers } from '../../shared/contract/procedures';
import { AdminError, describeFieldErrors, fieldErrorsFrom, type AdminResult } from '../../shared/contract/errors';
import type { ActivityLog } from '../store/events-store';
import { isStorageFull } from '../store/storage-health';

/** Runs one admin call from any transport: `(procedure, rawInput) → AdminResult`. Never throws. */
export type AdminDispatch = (procedure: unknown, rawInput: unknown) => Promise<AdminResult>;

const INTERNAL = 'An internal error occurred; the activity log has the details.';

/**
 * The transport-agnostic dispatcher: checks the procedure name, parses the
 * input with the contract (a bad input becomes `invalid_input` naming each
 * field), runs the handler, and checks the output against the contract too.
 * Errors carry a code and a message, never a stack or internal detail;
 * unexpected ones go to the activity log (as a message only).
 */
export function createAdminDispatcher(handlers: AdminHandlers, activity: Pick<ActivityLog, 'record'>, log: (line: string) => void = () => undefined): AdminDispatch {
  const internal = (procedure: string, message: string): AdminResult => {
    log(`admin ${procedure}: ${message}`);
    activity.record({ type: 'server.error', level: 'error', detail: { procedure, message } });
    return { ok: false, error: { code: 'internal', message: INTERNAL } };
  };
  return async (procedure, rawInput) => {
    if (!isProcedureName(procedure)) {
      return { ok: false, error: { code: 'unknown_procedure', message: 'No admin procedure has this name (GET /admin/procedures lists them)' } };
    }
    const definition = adminContract[procedure];
    const parsed = definition.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const fields = fieldErrorsFrom(parsed.error);
      return { ok: false, error: { code: 'invalid_input', message: describeFieldErrors(fields), fields } };
    }
    let output: unknown;
    try {
      output = await (handlers[procedure] as (input: unknown) => Promise<unknown>)(parsed.data);
    } catch (err) {
      if (err instanceof AdminError) return { ok: false, error: err.toBody() };
      if (isStorageFull(err)) return { ok: false, error: { code: 'unavailable', message: 'The disk holding the database is full: nothing can be saved until space is freed' } };
      return internal(procedure, (err as Error)?.message ?? String(err));
    }
    const checked = definition.output.safeParse(output);
    if (!checked.success) return internal(procedure, `output does not match the contract: ${describeFieldErrors(fieldErrorsFrom(checked.error))}`);
    return { ok: true, data: checked.data };
  };
}
