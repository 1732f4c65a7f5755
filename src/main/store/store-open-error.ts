/** Raised when the database (a SQLite file or a PostgreSQL server) cannot be opened or migrated. */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}
