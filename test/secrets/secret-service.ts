import { randomBytes } from 'node:crypto';
import { keychainCall, loadKeytar } from '../../src/main/secrets/keychain';

export type Probe = { available: true } | { available: false; reason: string };

/** Writes, reads and deletes a throwaway item to learn whether a real OS keychain answers. */
export async function probeKeychain(): Promise<Probe> {
  const service = `OAuth Console probe ${randomBytes(4).toString('hex')}`;
  try {
    const keychain = await loadKeytar();
    await keychainCall('the probe write', () => keychain.setPassword(service, 'probe', 'probe'), 10_000);
    const back = await keychainCall('the probe read', () => keychain.getPassword(service, 'probe'), 10_000);
    await keychainCall('the probe delete', () => keychain.deletePassword(service, 'probe'), 10_000);
    return back === 'probe' ? { available: true } : { available: false, reason: 'the keychain did not keep a probe item' };
  } catch (err) {
    return { available: false, reason: (err as Error).message };
  }
}

/**
 * Keychain tests run against the real keychain. In CI (CI=true) a missing keychain is a
 * failure: .ci/run starts gnome-keyring under dbus-run-session. Locally they skip and say why.
 */
export async function keychainForTests(): Promise<{ run: boolean; failure?: string }> {
  const probe = await probeKeychain();
  if (probe.available) return { run: true };
  if (process.env.CI === 'true') {
    const hint = /locked/.test(probe.reason) ? ' (a keyring from an earlier run with another password in ~/.local/share/keyrings? run under XDG_DATA_HOME=$(mktemp -d))' : '';
    return { run: true, failure: `CI needs keytar and a reachable Secret Service for the keychain tests: ${probe.reason}${hint}` };
  }
  console.warn(
    `skipping the real-keychain tests: ${probe.reason}\n` +
      `  run them with: XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- bash -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets --daemonize; npx vitest run test/secrets'`,
  );
  return { run: false };
}
