import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defaultDataDir } from '../paths';
import { KEYCHAIN_MODES, type KeychainMode } from '../secrets/master-key-selection';
import { writeJsonAtomically } from '../fs/write-json-atomically';

/** The desktop app's own choices, kept in the data folder (the port picked on the "port busy" page). */
export const DESKTOP_SETTINGS_FILE = 'desktop.json';

export const DEFAULT_PORT = 9090;
/** The desktop server listens on loopback only. */
export const DESKTOP_HOST = '127.0.0.1';

const portSchema = z.number().int().min(1).max(65_535);
const desktopSettingsSchema = z.object({ port: portSchema.optional() });
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;

export async function loadDesktopSettings(dataDir: string): Promise<DesktopSettings> {
  try {
    const parsed = desktopSettingsSchema.safeParse(JSON.parse(await readFile(join(dataDir, DESKTOP_SETTINGS_FILE), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export async function saveDesktopSettings(dataDir: string, settings: DesktopSettings): Promise<void> {
  await writeJsonAtomically(join(dataDir, DESKTOP_SETTINGS_FILE), desktopSettingsSchema.parse(settings));
}

/** True for a port the desktop server may be told to use (1-65535; 0 would change the issuer on every start). */
export function isUsablePort(port: unknown): port is number {
  return portSchema.safeParse(port).success;
}

export interface DesktopConfig {
  dataDir: string;
  port: number;
  host: string;
  keychain: KeychainMode;
}

/**
 * The desktop app reads the same variables as `npm run serve`: OAUTH_CONSOLE_DATA_DIR,
 * OAUTH_CONSOLE_PORT (else the port saved in desktop.json, else 9090) and
 * OAUTH_CONSOLE_KEYCHAIN (auto, on or off; auto unless set). Throws a one-line message.
 */
export function desktopConfig(env: NodeJS.ProcessEnv, saved: DesktopSettings, dataDir = defaultDataDir(env)): DesktopConfig {
  const portText = env.OAUTH_CONSOLE_PORT;
  const port = portText === undefined || portText === '' ? (saved.port ?? DEFAULT_PORT) : Number(portText);
  if (!/^\d+$/.test(String(port)) || !isUsablePort(port)) throw new Error(`OAUTH_CONSOLE_PORT must be a port from 1 to 65535, not "${portText}"`);
  const keychain = env.OAUTH_CONSOLE_KEYCHAIN || 'auto';
  if (!(KEYCHAIN_MODES as readonly string[]).includes(keychain)) throw new Error(`OAUTH_CONSOLE_KEYCHAIN must be one of ${KEYCHAIN_MODES.join(', ')}, not "${keychain}"`);
  return { dataDir, port, host: DESKTOP_HOST, keychain: keychain as KeychainMode };
}
