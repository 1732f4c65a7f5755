import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { PgDriver, type PgDriverOptions } from './pg-driver';

/** Kysely's PostgreSQL dialect pieces over our own driver (a `pg` pool with units of work). */
export class PgDialect implements Dialect {
  /** The driver Kysely asked for (one per dialect): units of work run through it. */
  readonly driver: PgDriver;

  constructor(options: PgDriverOptions) {
    this.driver = new PgDriver(options);
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
