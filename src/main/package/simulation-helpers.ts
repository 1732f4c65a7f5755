import type { ProcedureInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { AdminClient, SimulationHelpers } from './types';

/**
 * The package's shortcuts for fault simulation, time travel and minting: each is one
 * contract procedure (`simulation.*`) through the admin client, so it is
 * validated, recorded and shown on the console's banner like a rule made
 * there. `advanceClock` is relative: it moves the clock from its current
 * offset, so steps add up across a test.
 */
export function simulationHelpers(admin: AdminClient): SimulationHelpers {
  return {
    simulate: (rule: ProcedureInput<'simulation.create'>) => admin.call('simulation.create', rule),
    clearSimulations: (options: ProcedureInput<'simulation.clear'> = {}) => admin.call('simulation.clear', options),
    async advanceClock(seconds: number): Promise<ProcedureOutput<'simulation.setClock'>> {
      const { clockOffsetSeconds } = await admin.call('simulation.list');
      return admin.call('simulation.setClock', { offsetSeconds: clockOffsetSeconds + seconds });
    },
    mintToken: (request: ProcedureInput<'tokens.mint'>) => admin.call('tokens.mint', request),
  };
}
