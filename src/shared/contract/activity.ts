import { z } from 'zod';
import { idSchema, timestampSchema } from './common';
import { CHANGE_TOPICS, topicsForEventType, type ChangeTopic } from '../events';

export { CHANGE_TOPICS, topicsForEventType, type ChangeTopic };

export const EVENT_LEVELS = ['info', 'warn', 'error'] as const;

export const activityEventSchema = z.object({
  id: z.number().int(),
  at: timestampSchema,
  /** e.g. `authorization.requested`, `sign_in`, `consent.approved`, `token.issued`, `app.created`. */
  type: z.string(),
  level: z.enum(EVENT_LEVELS),
  clientId: z.string().nullable(),
  accountId: z.string().nullable(),
  workspaceId: z.string().nullable(),
  /** The app's name when the log was read (`activity.list`), a deleted app's included; absent elsewhere. */
  appName: z.string().nullable().optional(),
  /** Request details; credentials are redacted before they are stored. */
  detail: z.record(z.string(), z.unknown()),
});
export type ActivityEvent = z.infer<typeof activityEventSchema>;

export const activityListInput = z.strictObject({
  /** Exact types (`token.issued`) or prefixes ending in a dot (`token.`). */
  types: z.array(z.string().trim().min(1).max(100)).max(30).optional(),
  level: z.enum(EVENT_LEVELS).optional(),
  appId: idSchema.optional(),
  userId: idSchema.optional(),
  workspaceId: idSchema.optional(),
  /** Matches the type or the detail text (case-insensitive). */
  search: z.string().trim().max(200).optional(),
  /** Following live: events after this id, oldest first. */
  afterId: z.number().int().min(0).optional(),
  /** Paging back: events before this id, newest first. */
  beforeId: z.number().int().min(1).optional(),
  /** Events at or after this time (ms since the epoch). */
  from: timestampSchema.optional(),
  /** Events at or before this time (ms since the epoch). */
  to: timestampSchema.optional(),
  limit: z.number().int().min(1).max(500).default(100),
})
  .refine((input) => input.from === undefined || input.to === undefined || input.from <= input.to, { message: 'must not be before from', path: ['to'] });
export const activityListOutput = z.object({
  items: z.array(activityEventSchema),
  /** The newest event id in the log (0 when empty): start following from here. */
  latestId: z.number().int(),
  /** Pass as `beforeId` for older events; null when there are none. */
  nextBeforeId: z.number().int().nullable(),
});

/** A live change: pushed over SSE (HTTP) or the `admin:changes` channel (IPC). */
export const changeEventSchema = z.object({
  /** The activity event id: resume after it with `afterId` / `Last-Event-ID`. */
  id: z.number().int(),
  at: timestampSchema,
  type: z.string(),
  level: z.enum(EVENT_LEVELS),
  /** Query domains to invalidate. */
  topics: z.array(z.enum(CHANGE_TOPICS)),
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;

export function toChangeEvent(event: Pick<ActivityEvent, 'id' | 'at' | 'type' | 'level'>): ChangeEvent {
  return { id: event.id, at: event.at, type: event.type, level: event.level, topics: topicsForEventType(event.type) };
}
