import { adminContract, isProcedureName, type AdminHandlers } from '../../shared/contract/procedures';
import { AdminError, describeFieldErrors, fieldErrorsFrom, type AdminResult } from '../../shared/contract/errors';
import type { ActivityLog } from '../store/events-store';
import { isStorageFull } from '../store/storage-health';
import { allowedInWorkspace, CONSOLE_CALLER, type Caller } from './caller';

/**
 * Runs one admin call from any transport: `(procedure, rawInput, caller) →
 * AdminResult`. Never throws. The caller is the console unless given (the
 * management REST API passes its workspace-held caller).
 */
export type AdminDispatch = (procedure: unknown, rawInput: unknown, caller?: Caller) => Promise<AdminResult>;

const INTERNAL = 'An internal error occurred; the activity log has the details.';

/**
 * The transport-agnostic dispatcher: checks the procedure name, parses the
 * input with the contract (a bad input becomes `invalid_input` naming each
 * field), runs the handler, and checks the output against the contract too.
 * Errors carry a code and a message, never a stack or internal detail;
 * unexpected ones go to the activity log (as a message only).
 */
export function createAdminDispatcher(handlers: AdminHandlers<Caller>, activity: Pick<ActivityLog, 'record'>, log: (line: string) => void = () => undefined): AdminDispatch {
  const internal = (procedure: string, message: string): AdminResult => {
    log(`admin ${procedure}: ${message}`);
    activity.record({ type: 'server.error', level: 'error', detail: { procedure, message } });
    return { ok: false, error: { code: 'internal', message: INTERNAL } };
  };
  return async (procedure, rawInput, caller = CONSOLE_CALLER) => {
    if (!isProcedureName(procedure)) {
      return { ok: false, error: { code: 'unknown_procedure', message: 'No admin procedure has this name (GET /admin/procedures lists them)' } };
    }
    if (caller.workspaceId !== undefined && !allowedInWorkspace(procedure)) {
      return { ok: false, error: { code: 'forbidden', message: `${procedure} is not available to a caller held to one workspace` } };
    }
    const definition = adminContract[procedure];
    const parsed = definition.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const fields = fieldErrorsFrom(parsed.error);
      return { ok: false, error: { code: 'invalid_input', message: describeFieldErrors(fields), fields } };
    }
    let output: unknown;
    try {
      output = await (handlers[procedure] as (input: unknown, caller: Caller) => Promise<unknown>)(parsed.data, caller);
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
