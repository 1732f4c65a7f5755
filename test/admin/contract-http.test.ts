import { contractSuite } from './contract-suite';
import { httpClient } from './admin-clients';

contractSuite('HTTP (POST /admin/rpc/<procedure> with the admin token)', (server) => ({ client: httpClient(server) }));
