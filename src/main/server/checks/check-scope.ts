import { satisfyingScope } from '../../../shared/scopes';
import { BearerError } from '../../http/errors';
import type { BearerPrincipal } from '../bearer';

/**
 * The token must carry one of `accepted` (or `admin:all`, which stands for
 * every scope). Returns the granted scope that satisfied it; else 403
 * `insufficient_scope` naming `named`, the scope to ask for.
 */
export function checkScope(principal: BearerPrincipal, accepted: readonly string[], named = accepted[0]!): string {
  const via = accepted.map((scope) => satisfyingScope(principal.scopes, scope)).find((scope) => scope !== undefined);
  if (!via) throw new BearerError(403, 'insufficient_scope', `This call needs the "${named}" scope`, named);
  return via;
}
