/** Recognisable prefixes of every credential the server hands out. */
export const PREFIX = {
  clientId: 'oc_app_',
  clientSecret: 'oc_sec_',
  authorizationCode: 'oc_code_',
  accessToken: 'oc_at_',
  refreshToken: 'oc_rt_',
  clientCredentials: 'oc_cc_',
  apiKey: 'oc_key_',
  registrationAccessToken: 'oc_reg_',
  initialAccessToken: 'oc_iat_',
} as const;
