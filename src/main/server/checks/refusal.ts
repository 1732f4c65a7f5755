import { AdminError, BearerError } from '../../http/errors';

/**
 * How a check says no. The sample resource API answers as an RFC 6750
 * resource server (403 `insufficient_scope` naming the scope, so a client
 * can step up); the management API answers the contract's `forbidden`.
 */
export type Refuse = (message: string) => AdminError;

export const insufficientScope =
  (scope: string): Refuse =>
  (message) =>
    new BearerError(403, 'insufficient_scope', message, scope);

export const forbidden: Refuse = (message) => new AdminError({ code: 'forbidden', message });
