// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, type WebhookDelivery, type WebhookEndpoint } from '../../src/shared/contract';
import { WebhooksPanel } from '../../src/renderer/src/screens/apps/webhooks/WebhooksPanel';
import { fakeAdmin, renderConsole, type FakeHandlers } from './console-harness';

const APP = 'oc_app_billing';
const CATCHER = 'http://127.0.0.1:9090/webhooks/inbox/ibx_abc';
const SECRET = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==';

const endpoint = (over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: 'wh_1',
  appId: APP,
  url: 'https://hooks.example.test/in',
  description: null,
  events: ['app.updated'],
  enabled: true,
  secretHint: 'dA==',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  ...over,
});

const delivery: WebhookDelivery = {
  id: 'msg_1',
  endpointId: 'wh_1',
  appId: APP,
  eventType: 'app.updated',
  payload: '{"type":"app.updated","timestamp":"2024-01-01T00:00:00.000Z","data":{"appId":"oc_app_billing"}}',
  status: 'failed',
  attempts: 2,
  attemptLimit: 2,
  nextAttemptAt: null,
  inFlight: false,
  lastStatus: 500,
  lastError: 'HTTP 500',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  attemptLog: [
    { attempt: 1, startedAt: 1_700_000_000_000, durationMs: 12, url: 'https://hooks.example.test/in', requestHeaders: { 'webhook-id': 'msg_1' }, responseStatus: 500, responseExcerpt: 'boom', error: 'HTTP 500' },
    { attempt: 2, startedAt: 1_700_000_005_000, durationMs: 7, url: 'https://hooks.example.test/in', requestHeaders: { 'webhook-id': 'msg_1' }, responseStatus: 502, responseExcerpt: 'bad gateway', error: 'HTTP 502' },
  ],
};

function setup(handlers: FakeHandlers = {}) {
  const admin = fakeAdmin({
    'webhooks.list': () => ({ items: [] }),
    'webhooks.catcher': () => ({ url: CATCHER, requests: [] }),
    'webhooks.deliveries': () => ({ items: [], nextCursor: null }),
    ...handlers,
  });
  renderConsole(<WebhooksPanel appId={APP} appName="Billing" />, { admin });
  return { admin, user: userEvent.setup({ delay: null }) };
}

describe('the Webhooks tab', () => {
  it('shows the empty states of the endpoints, the delivery log and the catcher', async () => {
    const { user } = setup();
    expect(await screen.findByText('No webhook endpoints')).toBeInTheDocument();
    expect(await screen.findByText('No deliveries yet')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Catcher inbox' }));
    expect(await screen.findByText('The catcher has received nothing yet')).toBeInTheDocument();
    expect(screen.getByText(CATCHER)).toBeInTheDocument();
  });

  it('shows a loading state, then an error in words with a retry', async () => {
    let calls = 0;
    setup({
      'webhooks.list': async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 30));
        throw new AdminError({ code: 'not_found', message: 'No app has this id', fields: [{ field: 'appId', message: 'no such app' }] });
      },
    });
    expect(screen.getAllByRole('status')[0]).toHaveTextContent(/Loading/);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No app has this id');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(calls).toBe(1);
  });

  it('adds an endpoint with the catcher, and shows its secret once', async () => {
    const { admin, user } = setup({
      'webhooks.create': (input) => ({ endpoint: endpoint({ url: input.url, events: input.events }), secret: SECRET }),
    });
    await user.click(await screen.findByRole('button', { name: 'Add endpoint' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Use the catcher' }));
    expect(within(dialog).getByLabelText(/URL/)).toHaveValue(CATCHER);
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    const secret = await screen.findByTestId('secret-value');
    expect(secret).toHaveTextContent(SECRET);
    expect(screen.getByText(/only an encrypted copy/)).toBeInTheDocument();
    const create = admin.calls.find((c) => c.procedure === 'webhooks.create');
    expect(create?.input).toMatchObject({ appId: APP, url: CATCHER, enabled: true });
    expect((create?.input as { events: string[] }).events).toHaveLength(6);
  });

  it('refuses plain http for a host that is not loopback before sending, and shows server field errors', async () => {
    const { admin, user } = setup({
      'webhooks.create': () => {
        throw new AdminError({ code: 'invalid_input', message: 'url: taken', fields: [{ field: 'url', message: 'the server says no' }] });
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Add endpoint' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/URL/), 'http://hooks.example.test/in');
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(await within(dialog).findByText(/must use https/)).toBeInTheDocument();
    expect(admin.calls.some((c) => c.procedure === 'webhooks.create')).toBe(false);
    await user.clear(within(dialog).getByLabelText(/URL/));
    await user.type(within(dialog).getByLabelText(/URL/), 'https://hooks.example.test/in');
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(await within(dialog).findByText('the server says no')).toBeInTheDocument();
  });

  it('lists endpoints, sends a test event, and shows each attempt of a delivery with redeliver', async () => {
    const { admin, user } = setup({
      'webhooks.list': () => ({ items: [endpoint({ description: 'prod' })] }),
      'webhooks.deliveries': () => ({ items: [delivery], nextCursor: null }),
      'webhooks.sendTest': () => ({ ...delivery, id: 'msg_test', eventType: 'webhook.test', status: 'pending', attempts: 0, attemptLog: [] }),
      'webhooks.redeliver': () => ({ ...delivery, status: 'pending' }),
    });
    const card = await screen.findByTestId('webhook-endpoint');
    expect(card).toHaveTextContent('https://hooks.example.test/in');
    expect(card).toHaveTextContent('secret ends with …dA==');
    await user.click(within(card).getByRole('button', { name: 'Send test event' }));
    await waitFor(() => expect(admin.calls.find((c) => c.procedure === 'webhooks.sendTest')?.input).toEqual({ appId: APP, id: 'wh_1' }));

    await user.click(await screen.findByRole('button', { name: 'Delivery app.updated failed' }));
    const rows = await screen.findAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual(expect.arrayContaining([expect.stringMatching(/^1.*500.*12 ms.*HTTP 500.*boom/), expect.stringMatching(/^2.*502.*7 ms.*bad gateway/)]));
    await user.click(screen.getByRole('button', { name: 'Redeliver' }));
    await waitFor(() => expect(admin.calls.find((c) => c.procedure === 'webhooks.redeliver')?.input).toEqual({ appId: APP, deliveryId: 'msg_1' }));
  });
});
