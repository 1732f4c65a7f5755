import { sql, type Expression, type SqlBool } from 'kysely';

/** `text` with LIKE's wildcards (and its escape) escaped, for `escape '\'`. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `LIKE` pattern matching `text` anywhere, case-insensitively (compare with `lower(...)`). */
export function containsPattern(text: string): string {
  return `%${likeLiteral(text.toLowerCase())}%`;
}

/** `LIKE` pattern matching values that start with `prefix`, as written (use `escape '\'`). */
export function startsWithPattern(prefix: string): string {
  return `${likeLiteral(prefix)}%`;
}

/** Case-insensitive "any of `columns` contains `text`", wildcards in `text` matched literally. */
export function containsText(columns: Array<Expression<unknown>>, text: string): Expression<SqlBool> {
  const pattern = containsPattern(text);
  return sql<SqlBool>`(${sql.join(
    columns.map((c) => sql`lower(${c}) like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
}
