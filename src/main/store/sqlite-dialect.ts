import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { SqliteDriver, type SqliteDriverOptions } from './sqlite-driver';

/** Kysely dialect for a SQLite file opened with the `sqlite3` package. */
export class Sqlite3Dialect implements Dialect {
  readonly #file: string;
  readonly #options: SqliteDriverOptions;

  constructor(file: string, options: SqliteDriverOptions = {}) {
    this.#file = file;
    this.#options = options;
  }

  createDriver(): Driver {
    return new SqliteDriver(this.#file, this.#options);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
