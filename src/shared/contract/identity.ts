import { z } from 'zod';
import { ROLES, type Role } from '../roles';
import { idSchema, timestampSchema, webUrlSchema } from './common';
import { extraClaimsSchema, localeSchema, phoneNumberSchema } from '../user-claims';

export { ROLES, type Role };

const slugSchema = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner dashes only');
const workspaceNameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  createdAt: timestampSchema,
  memberCount: z.number().int(),
  appCount: z.number().int(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const workspacesListInput = z.strictObject({ search: z.string().trim().max(200).optional() });
export const workspacesListOutput = z.object({ items: z.array(workspaceSchema) });
export const workspacesCreateInput = z.strictObject({
  name: workspaceNameSchema,
  /** Derived from the name when absent. */
  slug: slugSchema.optional(),
});
export const workspacesUpdateInput = z.strictObject({ id: idSchema, name: workspaceNameSchema.optional(), slug: slugSchema.optional() });
export const workspacesRemoveInput = z.strictObject({ id: idSchema });
export const workspacesRemoveOutput = z.object({
  removed: z.literal(true),
  /** Apps deleted with the workspace. */
  removedApps: z.number().int(),
  /** Tokens and grants that were live and are now revoked. */
  revokedTokens: z.number().int(),
});

const personNameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const optionalPart = z.string().trim().max(100, 'must be at most 100 characters').nullable();
const groupsSchema = z.array(z.string().trim().min(1).max(60).regex(/^[\w.:-]+$/, 'letters, digits, dot, colon, dash and underscore only')).max(50);

export const userMembershipSchema = z.object({ workspaceId: z.string(), workspaceName: z.string(), role: z.enum(ROLES) });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  picture: z.string().nullable(),
  groups: z.array(z.string()),
  locale: z.string().nullable(),
  emailVerified: z.boolean(),
  phoneNumber: z.string().nullable(),
  phoneNumberVerified: z.boolean(),
  /** Released with the `profile` scope in the ID token and userinfo. */
  extraClaims: z.record(z.string(), z.unknown()),
  createdAt: timestampSchema,
  memberships: z.array(userMembershipSchema),
});
export type User = z.infer<typeof userSchema>;

export const usersListInput = z.strictObject({
  /** Matches name or email (case-insensitive). */
  search: z.string().trim().max(200).optional(),
  workspaceId: idSchema.optional(),
});
export const usersListOutput = z.object({ items: z.array(userSchema) });
export const usersCreateInput = z.strictObject({
  email: z.email('must be an email address').max(254).transform((v) => v.toLowerCase()),
  name: personNameSchema,
  givenName: optionalPart.optional(),
  familyName: optionalPart.optional(),
  picture: webUrlSchema.nullable().optional(),
  groups: groupsSchema.default([]),
  locale: localeSchema.nullable().optional(),
  emailVerified: z.boolean().default(true),
  phoneNumber: phoneNumberSchema.nullable().optional(),
  phoneNumberVerified: z.boolean().default(false),
  extraClaims: extraClaimsSchema.default({}),
});
export const usersUpdateInput = z.strictObject({
  id: idSchema,
  email: z.email('must be an email address').max(254).transform((v) => v.toLowerCase()).optional(),
  name: personNameSchema.optional(),
  givenName: optionalPart.optional(),
  familyName: optionalPart.optional(),
  picture: webUrlSchema.nullable().optional(),
  groups: groupsSchema.optional(),
  locale: localeSchema.nullable().optional(),
  emailVerified: z.boolean().optional(),
  phoneNumber: phoneNumberSchema.nullable().optional(),
  phoneNumberVerified: z.boolean().optional(),
  extraClaims: extraClaimsSchema.optional(),
});
export const usersRemoveInput = z.strictObject({ id: idSchema });
export const usersRemoveOutput = z.object({ removed: z.literal(true), revokedTokens: z.number().int() });

export const membershipSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  userId: z.string(),
  userEmail: z.string(),
  userName: z.string(),
  role: z.enum(ROLES),
  createdAt: timestampSchema,
});
export type Membership = z.infer<typeof membershipSchema>;

export const membershipsListInput = z.strictObject({ workspaceId: idSchema.optional(), userId: idSchema.optional() });
export const membershipsListOutput = z.object({ items: z.array(membershipSchema) });
export const membershipKeyInput = z.strictObject({ workspaceId: idSchema, userId: idSchema });
export const membershipsCreateInput = membershipKeyInput.extend({ role: z.enum(ROLES) });
export const membershipsUpdateInput = membershipKeyInput.extend({ role: z.enum(ROLES) });
export const membershipsRemoveOutput = z.object({ removed: z.literal(true) });

export const apiKeySchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  /** The last four characters of the key. */
  hint: z.string(),
  createdBy: z.string().nullable(),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const apiKeysListInput = z.strictObject({ workspaceId: idSchema.optional(), includeRevoked: z.boolean().default(false) });
export const apiKeysListOutput = z.object({ items: z.array(apiKeySchema) });
export const apiKeysCreateInput = z.strictObject({
  workspaceId: idSchema,
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  /** The user the key is created for (shown in the list); optional. */
  createdBy: idSchema.optional(),
});
export const apiKeysCreateOutput = z.object({
  apiKey: apiKeySchema,
  /** The key itself (`oc_key_…`): shown this once, stored only as a hash. */
  key: z.string(),
});
export const apiKeysRevokeInput = z.strictObject({ id: idSchema });
