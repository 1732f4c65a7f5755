import { DEFAULT_SETTINGS, serverSettingsSchema, type ServerSettings } from '../../shared/settings';
import { publishChange } from './change-feed';
import { currentUnit, unitOfWork, whenCommitted, type Db } from './database';
import { serializeOn } from './serialize-on';
import type { UnitOfWork } from './unit-of-work';

const KEY = 'server';

/**
 * Holds the server settings in memory for the engine's hot paths (TTL
 * functions run on every token) and writes changes through to SQLite.
 */
export class SettingsStore {
  #current: ServerSettings = DEFAULT_SETTINGS;
  /** A change not yet committed: seen by its own unit of work, by nobody else. */
  readonly #pending = new WeakMap<UnitOfWork, ServerSettings>();
  readonly #db: Db;
  /** Bumped by every change applied here: a load that read before one must not overwrite it. */
  #version = 0;

  constructor(db: Db) {
    this.#db = db;
  }

  get current(): ServerSettings {
    const unit = currentUnit(this.#db);
    return (unit && this.#pending.get(unit)) ?? this.#current;
  }

  /**
   * Reads the stored settings into memory: at start, and when another
   * instance announced a change (see change-feed.ts). A read that a change
   * applied here overtook is read again, so memory never goes back to an
   * older value.
   */
  async load(): Promise<ServerSettings> {
    for (;;) {
      const version = this.#version;
      const stored = await this.#stored();
      if (version !== this.#version) continue;
      this.#current = stored;
      this.#version++;
      return this.#current;
    }
  }

  /** The settings as stored (defaults for what is missing or unreadable). */
  async #stored(): Promise<ServerSettings> {
    const row = await this.#db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
    const stored = row ? safeJson(row.value) : {};
    const parsed = serverSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(stored as object) });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  /**
   * Applies `patch` to the stored settings, one update at a time
   * (`serializeOn`) and read from the database rather than memory: on
   * PostgreSQL two updates at once (or on two instances) would otherwise
   * each merge onto the same old value, and the later would undo the
   * earlier's change. The other instances hear of it (the change feed) and
   * read it again.
   */
  update(patch: Partial<ServerSettings>): Promise<ServerSettings> {
    return unitOfWork(this.#db, async () => {
      await serializeOn(this.#db, 'settings');
      const next = serverSettingsSchema.parse({ ...(await this.#stored()), ...patch });
      await this.#db
        .insertInto('settings')
        .values({ key: KEY, value: JSON.stringify(next) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(next) }))
        .execute();
      const unit = currentUnit(this.#db);
      if (unit) this.#pending.set(unit, next);
      whenCommitted(this.#db, () => {
        this.#current = next;
        this.#version++;
      });
      publishChange(this.#db, { kind: 'settings' });
      return next;
    });
  }
}

/** Reads or writes a raw setting (not part of the typed server settings). */
export async function getRawSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setRawSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

export async function deleteRawSetting(db: Db, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}
