import { sql, type Expression, type SqlBool } from 'kysely';

/** `LIKE` pattern matching `text` anywhere, with the wildcards in it escaped (use `escape '\'`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Case-insensitive "any of `columns` contains `text`", wildcards in `text` matched literally. */
export function containsText(columns: Array<Expression<unknown>>, text: string): Expression<SqlBool> {
  const pattern = containsPattern(text);
  return sql<SqlBool>`(${sql.join(
    columns.map((c) => sql`lower(${c}) like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
}
