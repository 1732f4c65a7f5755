import type { Generated } from 'kysely';

/** Roles a user can hold in a workspace. OWNER and ADMIN manage apps. */
import type { Role } from '../../shared/roles';

export type { Role };

export interface WorkspaceTable {
  id: string;
  name: string;
  slug: string;
  created_at: number;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  given_name: string | null;
  family_name: string | null;
  picture: string | null;
  groups: string;
  created_at: number;
  locale: string | null;
  /** 0 or 1 (default 1). */
  email_verified: Generated<number>;
  phone_number: string | null;
  /** 0 or 1 (default 0). */
  phone_number_verified: Generated<number>;
  /** A JSON object of extra claims (0006; default `{}`). */
  extra_claims: Generated<string>;
}

export interface MembershipTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: number;
}

export interface AppTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  homepage_url: string | null;
  logo_url: string | null;
  privacy_url: string | null;
  terms_url: string | null;
  client_type: 'public' | 'confidential';
  token_endpoint_auth_method: string;
  secret_hash: string | null;
  secret_hint: string | null;
  secret_rotated_at: number | null;
  grant_types: string;
  scopes: string;
  actor_modes: string;
  environment: string;
  origin: 'console' | 'api' | 'dynamic' | 'seed' | 'cimd';
  consent_policy: string | null;
  pkce_policy: 'required' | 'optional' | 'managed';
  /** 1: a new access or client-credentials token revokes the earlier live ones (trigger of 0003). */
  single_live_token: number;
  /** 1: ID tokens carry the granted scopes' claims, not only `sub` (migration 0006). */
  id_token_claims: number;
  /** Lifetime overrides for expiry testing (seconds; null follows the server), migration 0007. */
  access_token_ttl: number | null;
  refresh_token_ttl: number | null;
  id_token_ttl: number | null;
  authorization_code_ttl: number | null;
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface AppRedirectUriTable {
  app_id: string;
  kind: 'redirect' | 'post_logout';
  uri: string;
  position: number;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  key_hash: string;
  key_hint: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Every model oidc-provider stores. `id` is SHA-256 of the engine's id. */
export interface OidcModelTable {
  kind: string;
  id: string;
  payload: string;
  grant_id: string | null;
  client_id: string | null;
  account_id: string | null;
  workspace_id: string | null;
  actor: string | null;
  scope: string | null;
  uid: string | null;
  user_code: string | null;
  created_at: number;
  expires_at: number | null;
  consumed_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  /** 1 on a grant issued by "Mint a token" (0006; default 0). */
  minted: Generated<number>;
}

/** Challenges the server made for `managed` PKCE apps: the verifier is derived from the nonce and a server key. */
export interface ManagedPkceTable {
  challenge: string;
  client_id: string;
  nonce: string;
  created_at: number;
  expires_at: number;
}

export interface EventTable {
  id: Generated<number>;
  at: number;
  type: string;
  level: 'info' | 'warn' | 'error';
  client_id: string | null;
  account_id: string | null;
  workspace_id: string | null;
  detail: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface SigningKeyTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk_enc: string;
  status: 'active' | 'retired';
  created_at: number;
}

export interface CommentTable {
  id: string;
  workspace_id: string;
  author_id: string;
  app_id: string | null;
  body: string;
  created_at: number;
}

export interface WebhookEndpointTable {
  id: string;
  app_id: string;
  url: string;
  description: string | null;
  /** JSON array of webhook event types (src/shared/webhooks.ts). */
  events: string;
  enabled: number;
  /** The signing secret (`whsec_…`), AES-256-GCM under the master key. */
  secret_enc: string;
  secret_hint: string;
  created_at: number;
  updated_at: number;
  /** Set when the app was deleted: no new deliveries, pending ones still go out. */
  removed_at: number | null;
}

export interface WebhookDeliveryTable {
  /** The message id (`msg_…`), sent as `webhook-id` on every attempt. */
  id: string;
  endpoint_id: string;
  app_id: string;
  event_type: string;
  event_id: number | null;
  /** The JSON body, exactly as sent. */
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  attempt_limit: number;
  next_attempt_at: number | null;
  lease_until: number | null;
  lease_owner: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** An API tokens are issued for (RFC 8707); built-in ones hold a path on the issuer (migration 0005). */
export interface ResourceServerTable {
  id: string;
  identifier: string;
  issuer_relative: number;
  name: string;
  /** JSON: catalog scope names. */
  scopes: string;
  /** JSON: `{ name, description }` of the server's own scopes. */
  custom_scopes: string;
  token_format: 'opaque' | 'jwt';
  /** Seconds; null follows the server's access-token lifetime setting. */
  access_token_ttl: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  url: string;
  request_headers: string;
  response_status: number | null;
  response_excerpt: string | null;
  error: string | null;
}

export interface WebhookInboxTable {
  id: string;
  app_id: string;
  created_at: number;
}

export interface WebhookInboxRequestTable {
  id: Generated<number>;
  inbox_id: string;
  received_at: number;
  headers: string;
  body: string;
  size: number;
  truncated: number;
}

/** A fault or latency simulation rule (migration 0007). */
export interface SimulationRuleTable {
  id: string;
  endpoint: string;
  app_id: string | null;
  grant_type: string | null;
  effect: 'error' | 'status' | 'latency';
  error: string | null;
  status: number | null;
  retry_after_seconds: number | null;
  latency_ms: number | null;
  mode: 'next' | 'share' | 'until_cleared';
  count: number | null;
  remaining: number | null;
  percent: number | null;
  created_at: number;
  spent_at: number | null;
}

export interface Database {
  workspaces: WorkspaceTable;
  users: UserTable;
  memberships: MembershipTable;
  apps: AppTable;
  app_redirect_uris: AppRedirectUriTable;
  api_keys: ApiKeyTable;
  oidc_models: OidcModelTable;
  managed_pkce: ManagedPkceTable;
  events: EventTable;
  settings: SettingTable;
  signing_keys: SigningKeyTable;
  comments: CommentTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  webhook_inboxes: WebhookInboxTable;
  webhook_inbox_requests: WebhookInboxRequestTable;
  resource_servers: ResourceServerTable;
  simulation_rules: SimulationRuleTable;
}
