import { unwrapAdminResult } from '../../shared/contract/errors';
import type { ProcedureName, ProcedureOutput } from '../../shared/contract/procedures';
import type { AdminServer } from '../admin/context';
import { createAdminDispatcher } from '../admin/dispatch';
import { createAdminHandlers } from '../admin/handlers';
import type { AdminClient } from './types';

/**
 * The package's admin client: the contract's dispatcher over the running
 * server's handlers, exactly as the desktop's IPC transport builds it
 * (src/main/app/admin-ipc.ts), so a test suite's calls are validated,
 * recorded and refused like the console's. Results are unwrapped: the
 * output, or an `AdminError`.
 */
export function createAdminClient(server: AdminServer, log?: (line: string) => void): AdminClient {
  const dispatch = createAdminDispatcher(createAdminHandlers(server), server.activity, log);
  return {
    async call<P extends ProcedureName>(procedure: P, ...input: unknown[]): Promise<ProcedureOutput<P>> {
      return unwrapAdminResult(await dispatch(procedure, input[0])) as ProcedureOutput<P>;
    },
  };
}
