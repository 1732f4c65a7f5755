import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseCliArgs, USAGE } from './cli-args';
import { copyDataCommand } from './data-move';
import { backupDatabaseCommand, checkDatabase } from './database-commands';
import { SelectedMasterKeyStore } from './secrets/master-key-selection';
import { MASTER_KEY_ENV, providedMasterKey, type ProvidedMasterKeyStore } from './secrets/provided-master-key';
import { createConsoleBuilder, type ConsoleBuilder } from './server/console-build';
import { startServer } from './server/server';
import { StartupError } from './startup-error';

/**
 * The nearest folder above this module holding a package.json: the repository when run from
 * src/main (tsx) or from `npm run serve`'s bundle (out/serve/<build>/), the package from dist/lib.
 */
function packageRoot(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  return resolve(from, '../..');
}

const ROOT = packageRoot(import.meta.dirname);

/**
 * From the repository (`npm run serve`), the server builds the web console into
 * `out/renderer` (or `$OAUTH_CONSOLE_RENDERER_DIR`) on first use and when its sources change,
 * so `npm install` and `npm run serve` are all it takes.
 */
function repositoryConsoleBuilder(log: (line: string) => void): ConsoleBuilder | undefined {
  if (!existsSync(join(ROOT, 'scripts', 'build-console.mjs')) || !existsSync(join(ROOT, 'src', 'renderer', 'index.html'))) return undefined;
  const outDir = process.env.OAUTH_CONSOLE_RENDERER_DIR ? resolve(process.env.OAUTH_CONSOLE_RENDERER_DIR) : join(ROOT, 'out', 'renderer');
  return createConsoleBuilder({ root: ROOT, outDir, log });
}

/** The master key given at start (`OAUTH_CONSOLE_MASTER_KEY`, `--master-key-file`), if any; bad input stops with one line. */
async function givenMasterKey(file: string | undefined): Promise<ProvidedMasterKeyStore | undefined> {
  try {
    return await providedMasterKey({ file, env: process.env[MASTER_KEY_ENV] });
  } catch (err) {
    throw new StartupError((err as Error).message);
  }
}

/** Every message the CLI prints about a failure is one line, whatever the error text held. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const { keychain, action, backupFile, masterKeyFile, copyTarget, ...options } = parsed;
  if (action === 'check-database') {
    const verdict = await checkDatabase(options.dataDir);
    if (verdict.ok) console.log(verdict.line);
    else console.error(`oauth-console: ${oneLine(verdict.line)}`);
    process.exit(verdict.ok ? 0 : 1);
  }
  if (action === 'backup' && backupFile) {
    console.log(await backupDatabaseCommand(options.dataDir, backupFile));
    return;
  }
  if (action === 'copy-data' && copyTarget) {
    const sourceKey = new SelectedMasterKeyStore({ dataDir: options.dataDir, mode: keychain ?? 'auto' });
    const targetShown = copyTarget.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
    console.log(await copyDataCommand({ dataDir: options.dataDir, target: copyTarget, targetShown, sourceKey, targetKey: await givenMasterKey(masterKeyFile) }));
    return;
  }
  const masterKeyStore = (await givenMasterKey(masterKeyFile)) ?? new SelectedMasterKeyStore({ dataDir: options.dataDir, mode: keychain ?? 'auto' });
  const log = (line: string) => console.log(line);
  const build = repositoryConsoleBuilder(log);
  const server = await startServer({
    ...options,
    masterKeyStore,
    log,
    console: build ? { build } : undefined,
    alert: (line) => console.error(oneLine(line)),
    onFatal: (err) => {
      console.error(`oauth-console: ${oneLine(err.message)}`);
      process.exit(1);
    },
  });
  console.log(`${server.masterKey.level === 'warning' ? 'warning: ' : ''}master key: ${server.masterKey.message}`);
  console.log(`issuer: ${server.issuer}`);
  console.log(`discovery: ${server.issuer}/.well-known/openid-configuration`);
  console.log(`console (admin token, shown once, valid until the server stops): ${server.issuer}/console#token=${server.adminToken}`);
  console.log(`mint a token without a browser: OAUTH_CONSOLE_ADMIN_TOKEN=<the admin token above> npm run mint -- --url ${server.issuer} --app <client_id> --user <email> --scope "openid read:user" (or POST ${server.issuer}/admin/rpc/tokens.mint)`);
  if (server.seed) {
    console.log(`demo workspace seeded: 3 test users and the app "Demo App"`);
    console.log(`demo client_id: ${server.seed.appId}`);
    if (server.seed.clientSecret) console.log(`demo client_secret (shown once, stored hashed): ${server.seed.clientSecret}`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    Promise.all([build?.stop(), server.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const message = err instanceof StartupError ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
  console.error(`oauth-console: ${oneLine(message)}`);
  process.exit(1);
});
