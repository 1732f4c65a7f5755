// @vitest-environment jsdom
import './setup';
import { describe, expect, it, vi } from 'vitest';
import { AdminError, type AdminResult } from '../../src/shared/contract';
import { connectOverHttp, connectThroughBridge, findBridge } from '../../src/renderer/src/admin/connection';
import { adoptAdminToken, ADMIN_TOKEN_KEY } from '../../src/renderer/src/admin/token-storage';

describe('admin token from the URL fragment', () => {
  it('moves #token=… into sessionStorage and wipes it from the address', () => {
    const replace = vi.fn();
    const token = adoptAdminToken({ hash: '#token=oc_admin_abc%2B1', pathname: '/console', search: '' }, window.sessionStorage, replace);
    expect(token).toBe('oc_admin_abc+1');
    expect(window.sessionStorage.getItem(ADMIN_TOKEN_KEY)).toBe('oc_admin_abc+1');
    expect(replace).toHaveBeenCalledWith('/console#/');
    expect(document.cookie).not.toContain('oc_admin');
  });

  it('keeps the stored token when the fragment is a route', () => {
    window.sessionStorage.setItem(ADMIN_TOKEN_KEY, 'kept');
    const replace = vi.fn();
    expect(adoptAdminToken({ hash: '#/tokens', pathname: '/console', search: '' }, window.sessionStorage, replace)).toBe('kept');
    expect(replace).not.toHaveBeenCalled();
  });

  it('has no token without a fragment or storage', () => {
    expect(adoptAdminToken({ hash: '', pathname: '/console', search: '' }, window.sessionStorage, vi.fn())).toBeNull();
  });
});

describe('preload bridge transport', () => {
  it('is found only when window.oauthConsole has a call function', () => {
    expect(findBridge({})).toBeNull();
    expect(findBridge({ oauthConsole: { call: 1 } })).toBeNull();
    expect(findBridge({ oauthConsole: { call: () => undefined } })).not.toBeNull();
  });

  it('unwraps transport results into outputs and AdminErrors with their field errors', async () => {
    const results: Record<string, AdminResult> = {
      'settings.get': { ok: true, data: { consentPolicy: 'prompt' } },
      'apps.create': { ok: false, error: { code: 'invalid_input', message: 'bad', fields: [{ field: 'name', message: 'must not be empty' }] } },
    };
    const call = vi.fn(async (procedure: string) => results[procedure]);
    const { client, transport } = connectThroughBridge({ call, onChange: () => () => undefined });
    expect(transport).toBe('ipc');
    await expect(client.settings.get()).resolves.toEqual({ consentPolicy: 'prompt' });
    const err = await client.apps.create({ workspaceId: 'ws', name: '', scopes: ['openid'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect((err as AdminError).fieldMessage('name')).toBe('must not be empty');
  });

  it('reads a refusal as the result it is, and a rejection of the bridge itself as unavailable, never by parsing its text', async () => {
    const refused = connectThroughBridge({ call: async () => ({ ok: false, error: { code: 'forbidden', message: 'This window may not call the admin service' } }) });
    const forbidden = (await refused.client.apps.get({ id: 'oc_app_x' }).catch((e: unknown) => e)) as AdminError;
    expect(forbidden).toMatchObject({ code: 'forbidden', message: 'This window may not call the admin service' });
    const broken = connectThroughBridge({
      call: async () => {
        throw new Error("Error invoking remote method 'admin:apps.get': {\"code\":\"not_found\",\"message\":\"No app oc_app_x\"}");
      },
    });
    const err = (await broken.client.apps.get({ id: 'oc_app_x' }).catch((e: unknown) => e)) as AdminError;
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/^The admin service could not be reached: /);
  });

  it('delivers live changes that match the contract and drops others', () => {
    let push: (change: unknown) => void = () => undefined;
    const unsubscribe = vi.fn();
    const connection = connectThroughBridge({
      call: async () => ({ ok: true, data: null }),
      onChange: (listener) => {
        push = listener;
        return unsubscribe;
      },
    });
    const onChange = vi.fn();
    const onStatus = vi.fn();
    const stop = connection.subscribe(onChange, onStatus);
    push({ id: 4, at: 1, type: 'token.issued', level: 'info', topics: ['activity', 'tokens'] });
    push({ nonsense: true });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onStatus).toHaveBeenCalledWith('live');
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});

describe('HTTP transport', () => {
  it('sends the token in the Authorization header to /admin/rpc/<procedure>', async () => {
    const fetchImpl = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response(JSON.stringify({ consentPolicy: 'prompt' }), { status: 200 }));
    const { client } = connectOverHttp('http://127.0.0.1:9090', 'tok', fetchImpl as unknown as typeof fetch);
    await client.settings.get();
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:9090/admin/rpc/settings.get');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer tok');
    expect(init?.credentials).not.toBe('include');
  });
});
