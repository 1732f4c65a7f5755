import { z } from 'zod';

/**
 * Configuration as code: the server's declared state (workspaces, users,
 * memberships, apps, resource servers, settings, webhooks) as one YAML or
 * JSON document, exported and applied back. See the README, "Configuration
 * as code", for the format and the keys entities are matched by.
 */
export const CONFIG_FORMATS = ['yaml', 'json'] as const;
export type ConfigFormat = (typeof CONFIG_FORMATS)[number];

/** A document is a file a person writes: far more than any real one, and within the admin transport's 1 MB body once JSON-escaped. */
export const CONFIG_DOCUMENT_MAX_CHARS = 500_000;

export const configExportInput = z.strictObject({ format: z.enum(CONFIG_FORMATS).default('yaml') });
export const configExportOutput = z.object({
  format: z.enum(CONFIG_FORMATS),
  /** The document; no secrets (client secrets, API keys and webhook signing secrets are never exported). */
  document: z.string(),
  /** A file name to save it under. */
  fileName: z.string(),
});

export const configImportInput = z.strictObject({
  document: z.string().min(1, 'must not be empty').max(CONFIG_DOCUMENT_MAX_CHARS, `must be at most ${CONFIG_DOCUMENT_MAX_CHARS} characters`),
  /** Absent: JSON when the document starts with `{`, else YAML (JSON is read as YAML too). */
  format: z.enum(CONFIG_FORMATS).optional(),
  /** The file's name, for error messages and the activity log. */
  fileName: z.string().trim().min(1).max(200).optional(),
  /** Report what would change, and keep nothing. */
  dryRun: z.boolean().default(false),
});

export const CONFIG_ENTITY_KINDS = ['settings', 'workspace', 'user', 'membership', 'apiKey', 'resource', 'app', 'webhook', 'simulationRule'] as const;

export const configChangeSchema = z.object({
  /** `deleted`: not in a document with `prune: true`. */
  action: z.enum(['created', 'updated', 'deleted']),
  kind: z.enum(CONFIG_ENTITY_KINDS),
  /** The entity's key in the document: a slug, an email, `workspace/app`, an identifier, a URL. */
  key: z.string(),
  /** Where it is declared, e.g. `apps[2]`; for a deletion, the section that no longer names it (`apps`). */
  path: z.string(),
  /** For an update: the declared fields whose value changed (a secret is named, never shown). */
  fields: z.array(z.string()),
});
export type ConfigChange = z.infer<typeof configChangeSchema>;

export const configReportSchema = z.object({
  /** The file name, or `console` for a pasted document. */
  source: z.string(),
  dryRun: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  /** Entities a `prune: true` document removed (0 without prune). */
  deleted: z.number().int(),
  /** Declared entities that already matched the document. */
  unchanged: z.number().int(),
  changes: z.array(configChangeSchema),
});
export type ConfigReport = z.infer<typeof configReportSchema>;
