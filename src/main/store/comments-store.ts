import type { Db } from './database';
import type { Database } from './schema';

export type CommentRow = Database['comments'];

/** A comment the sample resource API's `POST /api/v1/workspaces/{id}/comments` stored. */
export async function insertComment(db: Db, comment: CommentRow): Promise<void> {
  await db.insertInto('comments').values(comment).execute();
}
