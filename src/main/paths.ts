import { homedir } from 'node:os';
import { join } from 'node:path';

/** The platform's per-user application-data folder for OAuth Console. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OAUTH_CONSOLE_DATA_DIR) return env.OAUTH_CONSOLE_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'OAuth Console');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'OAuth Console');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'oauth-console');
}

export const DATABASE_FILE = 'oauth-console.sqlite';
