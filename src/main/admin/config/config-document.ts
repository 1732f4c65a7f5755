import { z } from 'zod';
import { appsUpdateInput, CLIENT_TYPES } from '../../../shared/contract/apps';
import { apiKeysCreateInput, ROLES, usersCreateInput, usersUpdateInput, workspacesCreateInput, workspacesUpdateInput } from '../../../shared/contract/identity';
import { resourcesUpdateInput } from '../../../shared/contract/resources';
import { settingsUpdateInput } from '../../../shared/contract/server';
import { simulationCreateInput } from '../../../shared/contract/simulation';
import { idSchema } from '../../../shared/contract/common';
import { webhooksUpdateInput } from '../../../shared/contract/webhooks';
import { PREFIX } from '../../../shared/prefixes';

/**
 * The configuration document: what a seed file or an import declares. Its
 * fields are the admin contract's own (so their rules and messages are the
 * console's), with references by stable keys instead of ids: a workspace by
 * its `slug`, a user by `email`, an app by `clientId` (else by `name` within
 * its workspace), a resource server by `identifier`, a webhook by `url`
 * within its app, an API key by `name` within its workspace. Every field but
 * the keys is optional: what the file leaves out stays as it is.
 */

/** A credential in a file must look like one the server makes: its prefix, then at least 32 URL-safe characters (192 bits). */
function credential(prefix: string, what: string) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}[A-Za-z0-9_-]{32,200}$`), `a ${what} is ${prefix} followed by 32 to 200 URL-safe characters (letters, digits, - and _): generate one with \`openssl rand -base64 32 | tr '+/' '-_' | tr -d =\``);
}

export const clientSecretValueSchema = credential(PREFIX.clientSecret, 'client secret');
export const apiKeyValueSchema = credential(PREFIX.apiKey, 'API key');
export const clientIdValueSchema = z.string().regex(new RegExp(`^${PREFIX.clientId}[A-Za-z0-9_-]{8,64}$`), `a client id is ${PREFIX.clientId} followed by 8 to 64 URL-safe characters`);

const slugRef = workspacesUpdateInput.shape.slug.unwrap();
const emailRef = usersCreateInput.shape.email;

const memberEntry = z.strictObject({ user: emailRef, role: z.enum(ROLES) });
const apiKeyEntry = z.strictObject({ name: apiKeysCreateInput.shape.name, key: apiKeyValueSchema });

export const workspaceEntry = z.strictObject({
  slug: slugRef,
  name: workspacesCreateInput.shape.name,
  /** Members to have, by email; members not listed are left alone. */
  members: z.array(memberEntry).optional(),
  /** API keys with known values (CI credentials), stored hashed. */
  apiKeys: z.array(apiKeyEntry).optional(),
});

export const userEntry = usersUpdateInput.omit({ id: true }).extend({ email: emailRef, name: usersCreateInput.shape.name });

const webhookEntry = webhooksUpdateInput.omit({ appId: true, id: true }).extend({ url: webhooksUpdateInput.shape.url.unwrap() });

export const appEntry = appsUpdateInput
  .omit({ id: true })
  .extend({
    /** The workspace's slug. */
    workspace: slugRef,
    name: appsUpdateInput.shape.name.unwrap(),
    clientId: clientIdValueSchema.optional(),
    clientType: z.enum(CLIENT_TYPES).optional(),
    /** A known secret for a confidential app (CI), stored hashed; never exported. */
    clientSecret: clientSecretValueSchema.optional(),
    webhooks: z.array(webhookEntry).optional(),
  })
  .strict();

const { appId: _appId, ...ruleShape } = simulationCreateInput.shape;
/** A simulation rule as a document declares it: the contract's fields, with `app` (a client id) for `appId`; checked across fields when it is created. */
export const simulationEntry = z.strictObject({ ...ruleShape, app: idSchema.optional() });

/** `/api/v1` or `/mcp` (a path) names a built-in resource server of this issuer; anything else is an RFC 8707 identifier. */
export const resourceEntry = resourcesUpdateInput.omit({ id: true }).extend({ identifier: z.string().trim().min(1, 'must not be empty').max(2000) });

export const settingsEntry = settingsUpdateInput
  .omit({ registrationWorkspaceId: true })
  .extend({ /** Where dynamically registered clients go, by slug. */ registrationWorkspace: slugRef.optional() })
  .strict();

const fieldsOf = (shape: object, ...without: string[]) => Object.keys(shape).filter((key) => !without.includes(key));
/** The fields of each entity a document may declare besides its key: the contract's update fields (new ones come with the contract). */
export const APP_FIELDS = fieldsOf(appsUpdateInput.shape, 'id');
export const USER_FIELDS = fieldsOf(usersUpdateInput.shape, 'id');
export const WEBHOOK_FIELDS = fieldsOf(webhooksUpdateInput.shape, 'appId', 'id');
export const RESOURCE_FIELDS = fieldsOf(resourcesUpdateInput.shape, 'id', 'identifier');
export const SETTING_FIELDS = fieldsOf(settingsUpdateInput.shape, 'registrationWorkspaceId');
/** A rule is matched by all of these (it has no name): it is created or kept, never updated. */
export const SIMULATION_FIELDS = Object.keys(ruleShape);

export const CONFIG_VERSION = 1;

export const configDocumentSchema = z.strictObject({
  version: z.literal(CONFIG_VERSION, `must be ${CONFIG_VERSION}`).optional(),
  /**
   * Also remove what the file's sections do not name (see apply-prune.ts):
   * the declared state becomes the whole state of those sections.
   */
  prune: z.boolean().optional(),
  settings: settingsEntry.optional(),
  workspaces: z.array(workspaceEntry).optional(),
  users: z.array(userEntry).optional(),
  resources: z.array(resourceEntry).optional(),
  apps: z.array(appEntry).optional(),
  /** Fault and latency rules to have in effect. */
  simulation: z.array(simulationEntry).optional(),
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;
export type AppEntry = z.infer<typeof appEntry>;
export type UserEntry = z.infer<typeof userEntry>;
export type WorkspaceEntry = z.infer<typeof workspaceEntry>;
export type ResourceEntry = z.infer<typeof resourceEntry>;
