import { z } from 'zod';

/** An id as the admin service hands it out (`oc_app_…`, `ws_…`, a SHA-256 hex id). */
export const idSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** Milliseconds since the Unix epoch. */
export const timestampSchema = z.number().int();

/** Page size: 1 to 200, 50 unless given. */
export const limitSchema = z.number().int().min(1).max(200).default(50);

/** An opaque keyset cursor from a previous page's `nextCursor`. */
export const cursorSchema = z.string().min(1).max(500);

/** A page of items; `nextCursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: cursorSchema.nullable() });
}

/** An absolute http(s) URL (homepage, logo, privacy policy, terms). */
export const webUrlSchema = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

export const emptyInputSchema = z.strictObject({});
