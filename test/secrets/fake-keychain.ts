import type { Keychain } from '../../src/main/secrets/keychain';

/** An in-memory keychain whose availability a test can switch. */
export class FakeKeychain implements Keychain {
  readonly entries = new Map<string, string>();
  /** `down`: every call fails; `read-only`: reads work, writes fail (a locked keyring); `hang`: calls never answer. */
  state: 'up' | 'down' | 'read-only' | 'hang' = 'up';
  calls = 0;

  async getPassword(service: string, account: string): Promise<string | null> {
    await this.#gate(false);
    return this.entries.get(`${service}\u0000${account}`) ?? null;
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    await this.#gate(true);
    this.entries.set(`${service}\u0000${account}`, password);
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    await this.#gate(true);
    return this.entries.delete(`${service}\u0000${account}`);
  }

  /** The factory shape the stores take. */
  readonly factory = async (): Promise<Keychain> => this;

  async #gate(write: boolean): Promise<void> {
    this.calls += 1;
    if (this.state === 'down') throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    if (this.state === 'read-only' && write) throw new Error('Cannot create an item in a locked collection');
    if (this.state === 'hang') await new Promise(() => undefined);
  }
}
