import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, webhookUrlProblem } from '../webhooks';
import { cursorSchema, idSchema, limitSchema, pageSchema, timestampSchema } from './common';

/** A webhook URL: https, or plain http for a loopback host (the redirect-URI rule). */
export const webhookUrlSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const webhookEventSchema = z.string().superRefine((value, ctx) => {
  if (!(WEBHOOK_EVENT_TYPES as string[]).includes(value)) ctx.addIssue({ code: 'custom', message: `unknown event (known: ${WEBHOOK_EVENT_TYPES.join(', ')})` });
});

const eventsSchema = z
  .array(webhookEventSchema)
  .min(1, 'subscribe to at least one event')
  .max(WEBHOOK_EVENT_TYPES.length, `at most ${WEBHOOK_EVENT_TYPES.length} entries`)
  .superRefine((values, ctx) => {
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) ctx.addIssue({ code: 'custom', message: 'listed twice', path: [index] });
    });
  });

const descriptionSchema = z.string().trim().max(200, 'must be at most 200 characters');

export const webhookEndpointSchema = z.object({
  id: z.string(),
  appId: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  /** The signing secret's last four characters. */
  secretHint: z.string(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** An endpoint with its signing secret (`whsec_…`), shown this once (create, rotate). */
export const webhookWithSecretSchema = z.object({ endpoint: webhookEndpointSchema, secret: z.string() });

export const webhooksListInput = z.strictObject({ appId: idSchema });
export const webhooksListOutput = z.object({ items: z.array(webhookEndpointSchema) });

export const webhooksCreateInput = z.strictObject({
  appId: idSchema,
  url: webhookUrlSchema,
  events: eventsSchema,
  description: descriptionSchema.optional(),
  enabled: z.boolean().default(true),
});

export const webhooksUpdateInput = z.strictObject({
  appId: idSchema,
  id: idSchema,
  url: webhookUrlSchema.optional(),
  events: eventsSchema.optional(),
  description: descriptionSchema.nullable().optional(),
  enabled: z.boolean().optional(),
});

export const webhookKeyInput = z.strictObject({ appId: idSchema, id: idSchema });
export const webhooksDeleteOutput = z.object({ deleted: z.literal(true) });

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export const webhookAttemptSchema = z.object({
  attempt: z.number().int(),
  startedAt: timestampSchema,
  durationMs: z.number().int(),
  url: z.string(),
  /** What was sent: Standard Webhooks' headers (the signature, never the secret). */
  requestHeaders: z.record(z.string(), z.string()),
  responseStatus: z.number().int().nullable(),
  /** The start of the response body (at most 2000 characters). */
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
});

export const webhookDeliverySchema = z.object({
  /** The message id, sent as `webhook-id` on every attempt. */
  id: z.string(),
  endpointId: z.string(),
  appId: z.string(),
  eventType: z.string(),
  /** The body as sent: `{ type, timestamp, data }`. */
  payload: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  attemptLimit: z.number().int(),
  nextAttemptAt: timestampSchema.nullable(),
  inFlight: z.boolean(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  attemptLog: z.array(webhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveriesInput = z.strictObject({
  appId: idSchema,
  endpointId: idSchema.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: cursorSchema.optional(),
  limit: limitSchema,
});
export const webhookDeliveriesOutput = pageSchema(webhookDeliverySchema);

export const webhookRedeliverInput = z.strictObject({ appId: idSchema, deliveryId: idSchema });

export const webhookCatcherInput = z.strictObject({ appId: idSchema, limit: z.number().int().min(1).max(50).default(20) });
export const webhookCatcherOutput = z.object({
  /** POST here: the catcher records what it receives. */
  url: z.string(),
  requests: z.array(
    z.object({
      id: z.number().int(),
      receivedAt: timestampSchema,
      headers: z.record(z.string(), z.string()),
      body: z.string(),
      /** Bytes received; the body keeps the first 64 KB. */
      size: z.number().int(),
      truncated: z.boolean(),
    }),
  ),
});
