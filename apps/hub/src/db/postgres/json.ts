import { type RawBuilder, sql } from 'kysely';

/**
 * A JSON text column's value at a SQLite-style path (`$.a.b`) as text, on PostgreSQL: `col::jsonb #>> '{a,b}'`.
 * JSON is stored as text on both engines (one schema); PostgreSQL parses it where a query looks inside.
 */
export function jsonText(column: string, path: string): RawBuilder<string | null> {
  const parts = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  return sql<string | null>`(${sql.ref(column)}::jsonb #>> ${`{${parts.join(',')}}`})`;
}
