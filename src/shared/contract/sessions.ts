import { z } from 'zod';
import { idSchema, timestampSchema } from './common';

/**
 * Sessions: who is signed in to the server's sign-in pages, in which browser
 * session, since when and with which apps. Ending one signs its user out of
 * that browser: the next authorization request there shows the sign-in page.
 */
export const sessionSchema = z.object({
  /** The session's uid (not its cookie value, which never leaves the browser). */
  id: z.string(),
  userId: z.string(),
  /** Null when the user was removed since. */
  userName: z.string().nullable(),
  userEmail: z.string().nullable(),
  /** When the user signed in (the engine's `loginTs`). */
  signedInAt: timestampSchema.nullable(),
  expiresAt: timestampSchema.nullable(),
  /** The apps this session authorized (the engine's per-app authorizations), with their connection when there is one. */
  apps: z.array(z.object({ appId: z.string(), appName: z.string().nullable(), grantId: z.string().nullable() })),
});
export type Session = z.infer<typeof sessionSchema>;

export const sessionsListInput = z.strictObject({ userId: idSchema.optional() });
export const sessionsListOutput = z.object({ items: z.array(sessionSchema) });
export const sessionsEndInput = z.strictObject({ id: idSchema });
export const sessionsEndOutput = z.object({ ended: z.literal(true), userId: z.string() });
export const sessionsEndAllInput = z.strictObject({ userId: idSchema });
export const sessionsEndAllOutput = z.object({ ended: z.number().int() });
