import type { BearerPrincipal } from '../bearer';
import type { Refuse } from './refusal';

/**
 * The token must be bound to a workspace (the one the sign-in chose, or the
 * app's for a bot), and to `expected` when the call names one. Returns it.
 */
export function checkWorkspace(principal: BearerPrincipal, refuse: Refuse, expected?: string): string {
  if (expected !== undefined && principal.workspaceId !== expected) throw refuse('The token was not issued for this workspace');
  if (!principal.workspaceId) throw refuse('The token is not bound to a workspace');
  return principal.workspaceId;
}
