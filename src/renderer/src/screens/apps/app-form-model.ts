import {
  appsCreateInput,
  appShapeProblems,
  appsUpdateInput,
  fieldErrorsFrom,
  type App,
  type AppLifetimes,
  type AppsCreateInput,
  type AppsUpdateInput,
  type FieldError,
  type PkcePolicy,
} from '../../../../shared/contract';
import type { ActorMode } from '../../../../shared/scopes';
import type { ConsentPolicy } from '../../../../shared/settings';

/** What the form edits: strings as typed, lists as rows (blank rows are ignored on submit). */
export interface AppFormValues {
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
}

const NO_LIFETIMES: AppFormValues['lifetimes'] = { accessToken: '', refreshToken: '', idToken: '', authorizationCode: '' };

export type FieldErrors = Record<string, string>;

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

/** Non-blank rows, remembering which form row each came from (to put errors back on the right row). */
function rows(values: string[]): { list: string[]; rowOf: number[] } {
  const list: string[] = [];
  const rowOf: number[] = [];
  values.forEach((value, index) => {
    if (value.trim()) {
      list.push(value.trim());
      rowOf.push(index);
    }
  });
  return { list, rowOf };
}

const optionalText = (value: string) => (value.trim() ? value.trim() : null);

interface Converted<T> {
  input: T;
  /** Maps `redirectUris.N` (input index) back to the form row. */
  rowMaps: Record<'redirectUris' | 'postLogoutRedirectUris', number[]>;
}

function commonFields(values: AppFormValues) {
  const redirect = rows(values.redirectUris);
  const postLogout = rows(values.postLogoutRedirectUris);
  return {
    fields: {
      name: values.name,
      description: optionalText(values.description),
      homepageUrl: optionalText(values.homepageUrl),
      logoUrl: optionalText(values.logoUrl),
      privacyUrl: optionalText(values.privacyUrl),
      termsUrl: optionalText(values.termsUrl),
      redirectUris: redirect.list,
      postLogoutRedirectUris: postLogout.list,
      grantTypes: values.grantTypes as AppsCreateInput['grantTypes'],
      scopes: values.scopes,
      actorModes: values.actorModes,
      environment: values.environment,
      consentPolicy: values.consentPolicy === 'server' ? null : values.consentPolicy,
      pkcePolicy: values.pkcePolicy,
      singleLiveToken: values.singleLiveToken,
      idTokenClaims: values.idTokenClaims,
    },
    rowMaps: { redirectUris: redirect.rowOf, postLogoutRedirectUris: postLogout.rowOf },
  };
}

export function toCreateInput(values: AppFormValues): Converted<AppsCreateInput> {
  const { fields, rowMaps } = commonFields(values);
  return { input: { ...fields, workspaceId: values.workspaceId, clientType: values.clientType }, rowMaps };
}

export function toUpdateInput(id: string, values: AppFormValues): Converted<AppsUpdateInput> {
  const { fields, rowMaps } = commonFields(values);
  const lifetime = (value: number | '') => (value === '' ? null : value);
  const { accessToken, refreshToken, idToken, authorizationCode } = values.lifetimes;
  const lifetimes = { accessToken: lifetime(accessToken), refreshToken: lifetime(refreshToken), idToken: lifetime(idToken), authorizationCode: lifetime(authorizationCode) };
  return { input: { id, ...fields, lifetimes }, rowMaps };
}

/** Turns contract field errors into form errors keyed by form field (`redirectUris.2` is form row 2). */
export function toFormErrors(fields: FieldError[], rowMaps: Converted<unknown>['rowMaps']): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field, message } of fields) {
    const [head, index, ...rest] = field.split('.');
    let key = field || 'form';
    if ((head === 'redirectUris' || head === 'postLogoutRedirectUris') && index !== undefined && /^\d+$/.test(index)) {
      const row = rowMaps[head][Number(index)] ?? Number(index);
      key = [head, String(row), ...rest].join('.');
    } else if (head && index !== undefined) {
      // A problem with one entry of a chip list (`scopes.3`) is shown on the list.
      key = head;
    }
    if (!errors[key]) errors[key] = message;
  }
  return errors;
}

/**
 * The same checks the server runs (the contract's schemas), before sending,
 * so most mistakes show next to their field at once.
 */
export function validateAppForm(values: AppFormValues, mode: 'create' | 'edit'): FieldErrors {
  if (mode === 'create') {
    const { input, rowMaps } = toCreateInput(values);
    const result = appsCreateInput.safeParse(input);
    return result.success ? {} : toFormErrors(fieldErrorsFrom(result.error), rowMaps);
  }
  const { input, rowMaps } = toUpdateInput('app', values);
  const result = appsUpdateInput.safeParse(input);
  const errors = result.success ? {} : toFormErrors(fieldErrorsFrom(result.error), rowMaps);
  const shape = appShapeProblems({
    clientType: values.clientType,
    grantTypes: input.grantTypes ?? [],
    redirectUris: input.redirectUris ?? [],
    scopes: input.scopes ?? [],
    actorModes: input.actorModes ?? [],
    pkcePolicy: input.pkcePolicy,
  });
  return { ...toFormErrors(shape, rowMaps), ...errors };
}
