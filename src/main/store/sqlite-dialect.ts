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

/** Kysely dialect for a SQLite file, over our single-connection driver (see SqliteDriver). */
export class SqliteDialect implements Dialect {
  readonly #file: string;
  /** The driver Kysely asked for (one per dialect): units of work run through it. */
  readonly driver: SqliteDriver;

  constructor(file: string, options: SqliteDriverOptions = {}) {
    this.#file = file;
    this.driver = new SqliteDriver(this.#file, options);
  }

  createDriver(): Driver {
    return this.driver;
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
