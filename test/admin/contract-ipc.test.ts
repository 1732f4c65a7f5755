import { contractSuite } from './contract-suite';
import { ipcHarness } from './admin-clients';

contractSuite('IPC (admin:<procedure> channels through the checked router)', (server) => {
  const harness = ipcHarness(() => server);
  return { client: harness.client, close: harness.stop };
});
