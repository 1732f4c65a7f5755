import { AsyncLocalStorage } from 'node:async_hooks';
import { whenCommitted, type Db } from '../store/database';
import { publishChange } from '../store/change-feed';
import { deleteRawSetting, getRawSetting, setRawSetting } from '../store/settings-store';

/**
 * The server's clock: real time plus an offset (time travel, for expiry
 * testing), applied to everything the server decides while it answers a
 * request — the engine's expiry checks, the `iat`/`exp` it signs into ID
 * tokens and JWT access tokens, introspection, the resource API, the MCP
 * server, the console's token statuses — and to its background jobs (the
 * sweeper, webhook retries), which ask `now()` explicitly.
 *
 * Why a scoped `Date.now`: oidc-provider 9 has no clock option. It reads the
 * time through its `epochTime()` helper (an ES module default export, which
 * cannot be replaced from outside) and `Date.now()` in its models, in dozens
 * of places. Re-implementing those models' expiry logic would fork the
 * engine. So `Date.now` is wrapped once per process, and the wrapper adds an
 * offset only inside `run()` — an AsyncLocalStorage scope the server enters
 * for each request it answers (the HTTP listener and the admin dispatcher)
 * and carrying that server's own clock, so two servers in one process keep
 * their own time. Outside a scope (test code, HTTP clients in the same
 * process, the Electron shell, timers) and with offset 0, `Date.now` returns
 * exactly what it did before. Not affected: `new Date()` and
 * `performance.now()`, which nothing in the engine's expiry logic uses; the
 * browser's cookie expiry is computed from the shifted time, so a large
 * negative offset can make the sign-in pages' cookies (1 h) arrive already
 * expired.
 */
const scope = new AsyncLocalStorage<ServerClock>();
const realNow = Date.now.bind(Date);
let installed = false;

function installScopedDateNow(): void {
  if (installed) return;
  installed = true;
  Date.now = function now(): number {
    const clock = scope.getStore();
    return clock ? realNow() + clock.offsetMs : realNow();
  };
}

const SETTING = 'clock_offset_seconds';

export class ServerClock {
  #offsetSeconds = 0;
  /** Bumped by every offset applied here: a load that read before one must not overwrite it. */
  #version = 0;

  constructor(private readonly db: Db) {
    installScopedDateNow();
  }

  /** Reads the stored offset (it survives a restart, like the simulation rules): at start, and when another instance set it. */
  async load(): Promise<void> {
    for (;;) {
      const version = this.#version;
      const stored = Number(await getRawSetting(this.db, SETTING));
      if (version !== this.#version) continue;
      this.#offsetSeconds = Number.isInteger(stored) ? stored : 0;
      this.#version++;
      return;
    }
  }

  get offsetSeconds(): number {
    return this.#offsetSeconds;
  }

  get offsetMs(): number {
    return this.#offsetSeconds * 1000;
  }

  /** The server's now (ms since the epoch), whatever scope the caller is in. */
  now(): number {
    return realNow() + this.offsetMs;
  }

  /** Stores a new offset; it applies once stored (after the caller's unit of work commits). */
  async set(offsetSeconds: number): Promise<void> {
    if (offsetSeconds === 0) await deleteRawSetting(this.db, SETTING);
    else await setRawSetting(this.db, SETTING, String(offsetSeconds));
    whenCommitted(this.db, () => {
      this.#offsetSeconds = offsetSeconds;
      this.#version++;
    });
    publishChange(this.db, { kind: 'clock' });
  }

  /** Runs `fn` (and everything it awaits) on this clock. */
  run<T>(fn: () => T): T {
    return scope.run(this, fn);
  }
}
