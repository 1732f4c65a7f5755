import { AdminError, type FieldError } from '../../shared/contract/errors';

/** The input names something that does not exist: a field error on that input. */
export function notFound(field: string, what: string): AdminError {
  return new AdminError({ code: 'not_found', message: `No ${what} has this id`, fields: [{ field, message: `no such ${what}` }] });
}

/** The input is well-formed but breaks a rule across fields or rows. */
export function invalid(fields: FieldError[]): AdminError {
  return new AdminError({ code: 'invalid_input', message: fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; '), fields });
}

/** The change conflicts with the current state (duplicate, last owner, ...). */
export function conflict(field: string, message: string): AdminError {
  return new AdminError({ code: 'conflict', message, fields: [{ field, message }] });
}

/** A unique-constraint failure of either database: a race lost against another writer. */
export { isUniqueViolation } from '../store/constraint-errors';
