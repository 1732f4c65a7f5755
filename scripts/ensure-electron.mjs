// Runs before `npm start`. Dependencies' install scripts are not approved in
// package.json (allowScripts), so Electron's binary is fetched here, once,
// on first start instead of during `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

if (existsSync(join(electronDir, 'path.txt'))) process.exit(0);

console.log('Electron binary not installed yet: downloading it (one time)…');
const env = { ...process.env };
delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit', env });
if (result.status !== 0 || !existsSync(join(electronDir, 'path.txt'))) {
  console.error(
    'oauth-console: the Electron binary could not be downloaded (no network?). ' +
      'The headless server and web console work without it: npm run serve',
  );
  process.exit(1);
}
