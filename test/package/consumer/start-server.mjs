// Runs in a fresh project that installed the packed tarball: `node start-server.mjs`.
// Prints one JSON line of what it saw; the test (pack-and-install.test.ts) checks it.
import { existsSync } from 'node:fs';
import { AdminError, startServer } from 'oauth-console';

const server = await startServer();
const { clientId, clientSecret } = server.demo.app;
const response = await fetch(`${server.issuer}/oauth/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials&scope=read:user',
});
const token = await response.json();
const apps = await server.admin.call('apps.list', { search: 'Demo' });
let refused;
try {
  await server.admin.call('apps.get', { id: '' });
} catch (err) {
  refused = { isAdminError: err instanceof AdminError, code: err.code, fields: err.fields.map((f) => f.field) };
}
const dataDir = server.dataDir;
const existedWhileRunning = existsSync(dataDir);
await server.stop();
console.log(
  JSON.stringify({
    issuer: server.issuer,
    tokenStatus: response.status,
    tokenType: token.token_type,
    accessTokenPrefix: String(token.access_token).slice(0, 6),
    appNames: apps.items.map((a) => a.name),
    users: server.demo.users.map((u) => u.email),
    refused,
    existedWhileRunning,
    removedOnStop: !existsSync(dataDir),
    publicKeys: Object.keys(server).sort(),
  }),
);
