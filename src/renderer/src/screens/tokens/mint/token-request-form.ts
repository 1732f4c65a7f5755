import { useMemo, type ReactNode } from 'react';
import { tokenRequestInput, type App, type ResourceServer, type TokenRequest, type User } from '../../../../../shared/contract';
import { useContractForm } from '../../../lib/use-contract-form';

/** The bot choice in the user select: the app's own token, without a user. */
export const BOT = '__bot__';

export type TokenRequestValues = {
  appId: string | null;
  /** A user id, or BOT. */
  userId: string | null;
  actor: 'self' | 'app' | null;
  workspaceId: string | null;
  /** null: the app's scopes (what the server takes when none are given). */
  scopes: string[] | null;
  /** A resource server's identifier. */
  resource: string | null;
};

export const TOKEN_REQUEST_LABELS = { appId: 'App', userId: 'User', actor: 'Actor', workspaceId: 'Workspace', scopes: 'Scopes', resource: 'Resource' };

/** The contract input of the form: what Mint and Evaluate send. */
export function requestOf(values: TokenRequestValues): TokenRequest {
  return {
    appId: values.appId ?? '',
    ...(values.userId && values.userId !== BOT ? { userId: values.userId } : {}),
    ...(values.actor ? { actor: values.actor } : {}),
    ...(values.workspaceId ? { workspaceId: values.workspaceId } : {}),
    ...(values.scopes ? { scopes: values.scopes } : {}),
    ...(values.resource ? { resource: values.resource } : {}),
  };
}

/**
 * The Mint / Evaluate form (@mantine/form, checked by the contract's
 * `tokenRequestInput`) and the choices it offers, from the app (its scopes
 * and actor modes), the user (their workspaces) and the resource (its own
 * scopes). Choosing an app resets what depends on it. `send` is Evaluate or
 * Mint, whichever button submitted.
 */
export function useTokenRequestForm(apps: App[], users: User[], resources: ResourceServer[], initialAppId: string | null, send: (request: TokenRequest) => Promise<unknown>) {
  const contract = useContractForm({
    schema: tokenRequestInput,
    toInput: requestOf,
    labels: TOKEN_REQUEST_LABELS,
    initialValues: { appId: initialAppId, userId: null, actor: null, workspaceId: null, scopes: null, resource: null } as TokenRequestValues,
    send,
  });
  const { form } = contract;
  const values = form.values;
  const app = apps.find((a) => a.id === values.appId);
  const user = users.find((u) => u.id === values.userId);
  const resource = resources.find((r) => r.identifier === values.resource);

  const set = <K extends keyof TokenRequestValues>(key: K, value: TokenRequestValues[K]) => {
    if (key === 'appId') form.setValues({ appId: value as string | null, actor: null, scopes: null, userId: values.userId === BOT ? null : values.userId });
    else if (key === 'userId') form.setValues({ userId: value as string | null, workspaceId: null, ...(value === BOT ? { actor: 'app' as const } : {}) });
    else (form.setFieldValue as (path: keyof TokenRequestValues, value: TokenRequestValues[keyof TokenRequestValues]) => void)(key, value);
  };

  const options = useMemo(() => {
    const scopeNames = [...new Set([...(app?.scopes ?? []), ...(resource?.customScopes.map((s) => s.name) ?? []), ...(values.scopes ?? [])])];
    const botAllowed = !!app && app.actorModes.includes('app') && app.grantTypes.includes('client_credentials');
    return {
      users: [...(botAllowed ? [{ value: BOT, label: `${app!.name} (bot, no user)` }] : []), ...users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))],
      actors: (app?.actorModes ?? ['self', 'app']).map((m) => ({ value: m, label: m === 'self' ? 'self (as the user)' : 'app (its bot)' })),
      workspaces: (user?.memberships ?? []).map((m) => ({ value: m.workspaceId, label: `${m.workspaceName} (${m.role})` })),
      scopes: scopeNames.map((s) => ({ value: s, label: s })),
      resources: resources.map((r) => ({ value: r.identifier, label: `${r.name} (${r.identifier})` })),
    };
  }, [app, user, resource, resources, users, values.scopes]);

  /** The scopes the select shows: the chosen ones, else the app's. */
  const scopes = values.scopes ?? app?.scopes ?? [];
  /** A field's error and `data-path` (for focus), its value and change going through `set`. */
  const field = <K extends keyof TokenRequestValues>(key: K) => {
    const { error, 'data-path': dataPath } = form.getInputProps(key) as { error?: unknown; 'data-path'?: string };
    return { error: error as ReactNode, 'data-path': dataPath };
  };
  return { ...contract, values, set, field, options, app, scopes };
}
