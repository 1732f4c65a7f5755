import { z } from 'zod';
import { FULL_ACCESS_SCOPE, SCOPE_NAMES } from '../../shared/scopes';
import { webhookDeliverySchema, webhookEndpointSchema } from '../../shared/contract/webhooks';
import { createWebhookBody, updateWebhookBody } from './management-webhooks';
import { applicationListSchema, applicationSchema, applicationWithSecretSchema, createApplicationBody, errorSchema, updateApplicationBody } from './management-schemas';

function schema(s: z.ZodType, io: 'input' | 'output') {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const error = (description: string) => ({ description, content: json('Error') });

/** The OpenAPI 3.1 document of the management REST API, served at `/api/v1/openapi.json`. */
export function openApiDocument(issuer: string) {
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The client id (oc_app_…)' };
  const authErrors = {
    '401': error('No credentials, or an invalid, expired or revoked API key or token'),
    '403': error('Authenticated but not allowed: a MEMBER, a bot token, or a token without admin:organization'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'OAuth Console management API',
      version: '1.0.0',
      description:
        'Manage the OAuth applications of your workspace. Authenticate with `Authorization: Bearer` and a workspace API key (oc_key_…) or an OAuth access token carrying `admin:organization` for an OWNER or ADMIN (or `admin:all`, which only an OWNER grants). Client secrets are returned once (create, rotate) and stored only as hashes. `pkcePolicy` is `required` (the only choice of public apps), `optional` or `managed`; `singleLiveToken` makes a new token revoke the earlier live ones of the same workspace and actor; `idTokenClaims` puts the claims of the granted scopes (name, email, …) into the ID token, not only `sub`.',
    },
    servers: [{ url: issuer }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `A workspace API key or an OAuth access token with one of: ${SCOPE_NAMES.filter((s) => s.includes('organization') || s === FULL_ACCESS_SCOPE).join(', ')}` } },
      schemas: {
        CreateApplication: schema(createApplicationBody, 'input'),
        UpdateApplication: schema(updateApplicationBody, 'input'),
        Application: schema(applicationSchema, 'output'),
        ApplicationWithSecret: schema(applicationWithSecretSchema, 'output'),
        ApplicationList: schema(applicationListSchema, 'output'),
        Error: schema(errorSchema, 'output'),
        CreateWebhook: schema(createWebhookBody, 'input'),
        UpdateWebhook: schema(updateWebhookBody, 'input'),
        Webhook: schema(webhookEndpointSchema, 'output'),
        WebhookWithSecret: schema(webhookEndpointSchema.extend({ secret: z.string().describe('The signing secret (whsec_…), returned once') }), 'output'),
        WebhookList: schema(z.object({ data: z.array(webhookEndpointSchema) }), 'output'),
        WebhookDeliveryList: schema(z.object({ data: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() }), 'output'),
      },
    },
    paths: {
      '/api/v1/oauth/applications': {
        post: {
          operationId: 'createApplication',
          summary: 'Create an OAuth application (OWNER or ADMIN); the client secret is returned once',
          requestBody: { required: true, content: json('CreateApplication') },
          responses: { '201': { description: 'Created; store clientSecret now, it is not shown again', content: json('ApplicationWithSecret') }, '400': error('Invalid body: `fields` names each bad field'), ...authErrors },
        },
        get: {
          operationId: 'listApplications',
          summary: "List the workspace's OAuth applications, newest first",
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
          ],
          responses: { '200': { description: 'A page of applications', content: json('ApplicationList') }, '400': error('Bad paging parameters'), ...authErrors },
        },
      },
      '/api/v1/oauth/applications/{id}': {
        parameters: [idParam],
        get: { operationId: 'getApplication', summary: 'One OAuth application', responses: { '200': { description: 'The application', content: json('Application') }, ...authErrors, '404': error('No such application in your workspace') } },
        patch: {
          operationId: 'updateApplication',
          summary: 'Change an OAuth application (OWNER or ADMIN)',
          requestBody: { required: true, content: json('UpdateApplication') },
          responses: { '200': { description: 'The changed application', content: json('Application') }, '400': error('Invalid body'), ...authErrors, '404': error('No such application in your workspace') },
        },
        delete: {
          operationId: 'deleteApplication',
          summary: 'Delete an OAuth application and revoke its tokens (OWNER or ADMIN)',
          responses: { '204': { description: 'Deleted' }, ...authErrors, '404': error('No such application in your workspace') },
        },
      },
      '/api/v1/oauth/applications/{id}/rotate-secret': {
        parameters: [idParam],
        post: {
          operationId: 'rotateApplicationSecret',
          summary: 'Replace the client secret (OWNER or ADMIN); the new one is returned once',
          responses: {
            '200': { description: 'The new secret; the old one stops working at once', content: json('ApplicationWithSecret') },
            ...authErrors,
            '404': error('No such application in your workspace'),
            '409': error('A public application has no secret'),
          },
        },
      },
      ...webhookPaths(idParam, authErrors),
    },
  };
}

/** The webhook routes under an application (`read:webhooks` / `write:webhooks`). */
function webhookPaths(idParam: Record<string, unknown>, authErrors: Record<string, unknown>) {
  const webhookParam = { name: 'webhookId', in: 'path', required: true, schema: { type: 'string' }, description: 'The webhook endpoint id (wh_…)' };
  const auth = { ...authErrors, '403': error('A MEMBER, a bot token, or a token without read:webhooks (reads) / write:webhooks (changes)') };
  const missing = error('No such application in your workspace, or no such webhook of it');
  return {
    '/api/v1/oauth/applications/{id}/webhooks': {
      parameters: [idParam],
      get: { operationId: 'listWebhooks', summary: "The application's webhook endpoints (read:webhooks)", responses: { '200': { description: 'The endpoints', content: json('WebhookList') }, ...auth, '404': missing } },
      post: {
        operationId: 'createWebhook',
        summary: 'Add a webhook endpoint (write:webhooks); the signing secret is returned once',
        requestBody: { required: true, content: json('CreateWebhook') },
        responses: { '201': { description: 'Created; store the secret now, it is not shown again', content: json('WebhookWithSecret') }, '400': error('Invalid body: `fields` names each bad field'), ...auth, '404': missing },
      },
    },
    '/api/v1/oauth/applications/{id}/webhooks/{webhookId}': {
      parameters: [idParam, webhookParam],
      patch: {
        operationId: 'updateWebhook',
        summary: 'Change a webhook endpoint (write:webhooks)',
        requestBody: { required: true, content: json('UpdateWebhook') },
        responses: { '200': { description: 'The changed endpoint', content: json('Webhook') }, '400': error('Invalid body'), ...auth, '404': missing },
      },
      delete: { operationId: 'deleteWebhook', summary: 'Delete a webhook endpoint and its delivery log (write:webhooks)', responses: { '204': { description: 'Deleted' }, ...auth, '404': missing } },
    },
    '/api/v1/oauth/applications/{id}/webhooks/{webhookId}/deliveries': {
      parameters: [idParam, webhookParam],
      get: {
        operationId: 'listWebhookDeliveries',
        summary: "The endpoint's deliveries, newest first, each with every attempt (read:webhooks)",
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'succeeded', 'failed'] } },
        ],
        responses: { '200': { description: 'A page of deliveries', content: json('WebhookDeliveryList') }, '400': error('Bad paging parameters'), ...auth, '404': missing },
      },
    },
  };
}
