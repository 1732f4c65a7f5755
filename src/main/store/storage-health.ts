import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Seconds a client should wait before retrying while the disk is full (`Retry-After`). */
export const STORAGE_RETRY_AFTER_SECONDS = 30;

/** Free space the disk must show again before a full-disk episode counts as over. */
const RECOVERY_FREE_BYTES = 256 * 1024;

const DESCRIPTION = 'The server cannot store anything right now (its disk is full); retry later.';

/** True when `err` (or its cause) is SQLite reporting a full disk: SQLITE_FULL, or ENOSPC underneath. */
export function isStorageFull(err: unknown): boolean {
  for (let e = err as { code?: unknown; errno?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC') return true;
  }
  return false;
}

/** What `server.status` and the console show of the storage. */
export interface StorageStatus {
  state: 'ok' | 'full';
  /** When the current episode began (ms since the epoch), or null. */
  since: number | null;
  message: string | null;
}

export interface StorageHealthOptions {
  file: string;
  /** Receives one line when an episode starts and one when it ends (stderr in the CLI). */
  alert: (line: string) => void;
  /** A real write against the database; rejects while the disk is still full. */
  probe: () => Promise<void>;
  /** How often the probe runs during an episode. */
  probeIntervalMs?: number;
  /** Free bytes on the database's file system; `statfs` unless given (tests). */
  freeBytes?: () => Promise<number>;
}

/**
 * Tracks full-disk episodes of one database. Every failed statement is
 * reported to `observe` (the driver does it); the first SQLITE_FULL opens an
 * episode and logs one line. During an episode a probe write runs every few
 * seconds; the episode ends (one more line) when the probe succeeds, the disk
 * shows free space again and no statement has failed for lack of space since
 * the previous probe, so a disk hovering at full does not flap.
 */
export class StorageHealth {
  readonly #options: StorageHealthOptions;
  #since: number | null = null;
  #failedSinceProbe = false;
  #timer: NodeJS.Timeout | undefined;
  #probing = false;

  constructor(options: StorageHealthOptions) {
    this.#options = options;
  }

  get status(): StorageStatus {
    if (this.#since === null) return { state: 'ok', since: null, message: null };
    return { state: 'full', since: this.#since, message: `the disk holding ${this.#options.file} is full: writes fail and clients get 503 temporarily_unavailable until space is freed` };
  }

  /** Reports a failed statement; only a full disk matters here. */
  observe(err: unknown): void {
    if (!isStorageFull(err)) return;
    this.#failedSinceProbe = true;
    if (this.#since !== null) return;
    this.#since = Date.now();
    this.#options.alert(`error: storage: ${this.status.message}`);
    this.#timer = setInterval(() => void this.#probe(), this.#options.probeIntervalMs ?? 2000);
    this.#timer.unref();
  }

  async #probe(): Promise<void> {
    if (this.#probing || this.#since === null) return;
    this.#probing = true;
    // A statement that failed for lack of space since the previous probe keeps the episode open.
    const failedBefore = this.#failedSinceProbe;
    this.#failedSinceProbe = false;
    try {
      const free = await (this.#options.freeBytes ?? (() => freeBytesOf(this.#options.file)))();
      if (free < RECOVERY_FREE_BYTES) return;
      await this.#options.probe();
      if (failedBefore || this.#failedSinceProbe || this.#since === null) return;
      const seconds = Math.round((Date.now() - this.#since) / 1000);
      this.#end();
      this.#options.alert(`storage: writes work again after ${seconds} s with a full disk (${Math.floor(free / 1024 / 1024)} MB free now)`);
    } catch (err) {
      if (!isStorageFull(err)) this.#options.alert(`warning: storage: the free-space probe failed: ${(err as Error).message}`);
    } finally {
      this.#probing = false;
    }
  }

  #end(): void {
    this.#since = null;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the probe (server shutdown). */
  stop(): void {
    this.#end();
  }
}

async function freeBytesOf(file: string): Promise<number> {
  const fs = await statfs(dirname(file));
  return fs.bavail * fs.bsize;
}

/** The `temporarily_unavailable` answer body (RFC 6749 §4.1.2.1 / §5.2 style). */
export function temporarilyUnavailableBody(): { error: 'temporarily_unavailable'; error_description: string } {
  return { error: 'temporarily_unavailable', error_description: DESCRIPTION };
}
