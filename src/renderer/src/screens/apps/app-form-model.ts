import {
  appsCreateInput,
  appShapeProblems,
  appsUpdateInput,
  type App,
  type AppLifetimes,
  type AppsCreateInput,
  type AppsUpdateInput,
  type PkcePolicy,
} from '../../../../shared/contract';
import type { ActorMode } from '../../../../shared/scopes';
import type { ConsentPolicy } from '../../../../shared/settings';
import type { ContractFormSpec } from '../../lib/form-errors';
import type { FieldLabels } from '../../lib/form-fields';
import { ID_TOKEN_CLAIMS_TEXT, SINGLE_LIVE_TOKEN_TEXT } from './app-policies';

/** What the form edits: strings as typed, lists as rows (blank rows are ignored on submit). */
// A type alias, not an interface: @mantine/form wants values that are a Record.
export type AppFormValues = {
  workspaceId: string;
  name: string;
  description: string;
  homepageUrl: string;
  logoUrl: string;
  privacyUrl: string;
  termsUrl: string;
  clientType: 'public' | 'confidential';
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  scopes: string[];
  actorModes: ActorMode[];
  environment: string;
  /** `server`: follow the server's policy (null in the contract). */
  consentPolicy: ConsentPolicy | 'server';
  pkcePolicy: PkcePolicy;
  singleLiveToken: boolean;
  idTokenClaims: boolean;
  /** Lifetime overrides (seconds); '' follows the server. Edited on an existing app (apps.update). */
  lifetimes: Record<keyof AppLifetimes, number | ''>;
};

const NO_LIFETIMES: AppFormValues['lifetimes'] = { accessToken: '', refreshToken: '', idToken: '', authorizationCode: '' };

export function emptyAppForm(workspaceId = ''): AppFormValues {
  return {
    workspaceId,
    name: '',
    description: '',
    homepageUrl: '',
    logoUrl: '',
    privacyUrl: '',
    termsUrl: '',
    clientType: 'confidential',
    redirectUris: ['http://localhost:3000/callback'],
    postLogoutRedirectUris: [],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'email', 'read:user'],
    actorModes: ['self'],
    environment: 'development',
    consentPolicy: 'server',
    pkcePolicy: 'optional',
    singleLiveToken: false,
    idTokenClaims: false,
    lifetimes: NO_LIFETIMES,
  };
}

export function appFormFromApp(app: App): AppFormValues {
  return {
    workspaceId: app.workspaceId,
    name: app.name,
    description: app.description ?? '',
    homepageUrl: app.homepageUrl ?? '',
    logoUrl: app.logoUrl ?? '',
    privacyUrl: app.privacyUrl ?? '',
    termsUrl: app.termsUrl ?? '',
    clientType: app.clientType,
    redirectUris: [...app.redirectUris],
    postLogoutRedirectUris: [...app.postLogoutRedirectUris],
    grantTypes: [...app.grantTypes],
    scopes: [...app.scopes],
    actorModes: [...app.actorModes],
    environment: app.environment,
    consentPolicy: app.consentPolicy ?? 'server',
    pkcePolicy: app.pkcePolicy,
    singleLiveToken: app.singleLiveToken,
    idTokenClaims: app.idTokenClaims,
    lifetimes: {
      accessToken: app.lifetimes.accessToken ?? '',
      refreshToken: app.lifetimes.refreshToken ?? '',
      idToken: app.lifetimes.idToken ?? '',
      authorizationCode: app.lifetimes.authorizationCode ?? '',
    },
  };
}

/** The form's fields in their order, with their labels (the inputs use them too). */
export const APP_FIELD_LABELS = {
  name: 'Name',
  workspaceId: 'Workspace',
  description: 'Description',
  environment: 'Environment',
  consentPolicy: 'Consent policy',
  clientType: 'Client type',
  pkcePolicy: 'PKCE',
  singleLiveToken: SINGLE_LIVE_TOKEN_TEXT.label,
  idTokenClaims: ID_TOKEN_CLAIMS_TEXT.label,
  'lifetimes.accessToken': 'Access token (s)',
  'lifetimes.refreshToken': 'Refresh token (s)',
  'lifetimes.idToken': 'ID token (s)',
  'lifetimes.authorizationCode': 'Authorization code (s)',
  grantTypes: 'Grant types',
  redirectUris: 'Redirect URIs',
  'redirectUris.*': 'Redirect URIs',
  postLogoutRedirectUris: 'Post-logout redirect URIs',
  'postLogoutRedirectUris.*': 'Post-logout redirect URIs',
  actorModes: 'Actor modes',
  scopes: 'Scopes the app may request',
  homepageUrl: 'Homepage URL',
  logoUrl: 'Logo URL',
  privacyUrl: 'Privacy policy URL',
  termsUrl: 'Terms of service URL',
} satisfies FieldLabels;

/** Non-blank rows, trimmed (blank rows are left out of the input). */
const rows = (values: string[]) => values.map((v) => v.trim()).filter(Boolean);

/** The form row of the input's entry `index`: blank rows are not sent, so the two can differ. */
function rowOf(values: string[], index: number): number {
  let seen = -1;
  for (let row = 0; row < values.length; row++) {
    if (values[row]!.trim() && ++seen === index) return row;
  }
  return index;
}

const optionalText = (value: string) => (value.trim() ? value.trim() : null);

function commonFields(values: AppFormValues) {
  return {
    name: values.name,
    description: optionalText(values.description),
    homepageUrl: optionalText(values.homepageUrl),
    logoUrl: optionalText(values.logoUrl),
    privacyUrl: optionalText(values.privacyUrl),
    termsUrl: optionalText(values.termsUrl),
    redirectUris: rows(values.redirectUris),
    postLogoutRedirectUris: rows(values.postLogoutRedirectUris),
    grantTypes: values.grantTypes as AppsCreateInput['grantTypes'],
    scopes: values.scopes,
    actorModes: values.actorModes,
    environment: values.environment,
    consentPolicy: values.consentPolicy === 'server' ? null : values.consentPolicy,
    pkcePolicy: values.pkcePolicy,
    singleLiveToken: values.singleLiveToken,
    idTokenClaims: values.idTokenClaims,
  };
}

export function toCreateInput(values: AppFormValues): AppsCreateInput {
  return { ...commonFields(values), workspaceId: values.workspaceId, clientType: values.clientType };
}

/** What the edit form changes: apps.update's input without the id (the form does not edit it; the page adds it). */
export type AppEditInput = Omit<AppsUpdateInput, 'id'>;

export function toUpdateInput(values: AppFormValues): AppEditInput {
  const lifetime = (value: number | '') => (value === '' ? null : value);
  const { accessToken, refreshToken, idToken, authorizationCode } = values.lifetimes;
  const lifetimes = { accessToken: lifetime(accessToken), refreshToken: lifetime(refreshToken), idToken: lifetime(idToken), authorizationCode: lifetime(authorizationCode) };
  return { ...commonFields(values), lifetimes };
}

/** `redirectUris.1` of the input is the second non-blank row of the form. */
function toFormPath(path: string, values: AppFormValues): string {
  const [head, index, ...rest] = path.split('.');
  if ((head === 'redirectUris' || head === 'postLogoutRedirectUris') && index !== undefined && /^\d+$/.test(index)) {
    return [head, String(rowOf(values[head], Number(index))), ...rest].join('.');
  }
  return path;
}

/**
 * The edit form's schema: the contract's update input but the id, plus the
 * rules across fields the server runs on the merged app (the client type is
 * fixed once the app exists, so the form knows it).
 */
function appsEditSchema(clientType: AppFormValues['clientType']) {
  return appsUpdateInput.omit({ id: true }).superRefine((input, ctx) => {
    const shape = { clientType, grantTypes: input.grantTypes ?? [], redirectUris: input.redirectUris ?? [], scopes: input.scopes ?? [], actorModes: input.actorModes ?? [], pkcePolicy: input.pkcePolicy };
    for (const problem of appShapeProblems(shape)) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
  });
}

/** How the app form checks and sends: apps.create's schema for a new app, apps.update's (with the shape rules) for an existing one. */
export function appFormSpec(mode: 'create' | 'edit', clientType: AppFormValues['clientType']): ContractFormSpec<AppFormValues, AppsCreateInput | AppEditInput> {
  return mode === 'create'
    ? { schema: appsCreateInput, toInput: toCreateInput, toFormPath, labels: APP_FIELD_LABELS }
    : { schema: appsEditSchema(clientType), toInput: toUpdateInput, toFormPath, labels: APP_FIELD_LABELS };
}
