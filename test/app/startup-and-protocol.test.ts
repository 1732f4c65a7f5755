import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppProtocolHandler } from '../../src/main/app/app-protocol';
import { parseStartupAction, renderStartupPage, STARTUP_PAGE_CSP } from '../../src/main/app/startup-page';
import { STARTUP_URL } from '../../src/main/app/renderer-location';
import { makeTempDir } from '../secrets/temp-dir';

const context = { host: '127.0.0.1', dataDir: '/home/ada/.local/share/oauth-console' };

describe('the start-up page', () => {
  it('says the port is busy, explains why the issuer stays, and offers another port', () => {
    const html = renderStartupPage({ status: 'port-busy', port: 9090, host: '127.0.0.1', suggestedPort: 9091 }, context);
    expect(html).toContain('Port 9090 is in use');
    expect(html).toContain('http://127.0.0.1:9090');
    expect(html).toContain('does not switch ports on its own');
    expect(html).toContain('action="app://console/_shell/startup/use-port"');
    expect(html).toContain('<input type="hidden" name="port" value="9091">');
    expect(html).toContain('Use port 9091');
    expect(html).toContain('<input name="port" type="number" min="1" max="65535" required>');
    expect(html).toContain('href="app://console/_shell/startup/retry"');
    expect(html).not.toContain('<script');
  });

  it('escapes failure messages', () => {
    const html = renderStartupPage({ status: 'failed', port: 9090, message: 'cannot load the master key: <img src=x onerror=alert(1)>' }, context);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toContain('<img');
  });

  it('has a style block whose hash the policy names', () => {
    const html = renderStartupPage({ status: 'starting', port: 9090 }, context);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(STARTUP_PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('accepts only a valid port or a retry as actions', () => {
    const action = (path: string) => parseStartupAction(new URL(`app://console/_shell/startup/${path}`));
    expect(action('use-port?port=9091')).toEqual({ kind: 'use-port', port: 9091 });
    expect(action('retry')).toEqual({ kind: 'retry' });
    for (const bad of ['use-port?port=0', 'use-port?port=65536', 'use-port?port=80a', 'use-port?port=', 'use-port', 'use-port?port=1e3', 'other']) expect(action(bad)).toBeNull();
  });
});

describe('the app:// protocol handler', () => {
  let rendererDir: string;
  const onStartupAction = vi.fn();
  let handle: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    rendererDir = await makeTempDir();
    await mkdir(join(rendererDir, 'assets'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(join(`${rendererDir}-secret.txt`), 'outside');
    handle = createAppProtocolHandler({
      rendererDir,
      rendererCsp: "default-src 'none'; script-src 'self'",
      startupPage: () => renderStartupPage({ status: 'port-busy', port: 9090, host: '127.0.0.1', suggestedPort: 9091 }, context),
      onStartupAction,
    });
  });
  afterAll(async () => {
    await rm(rendererDir, { recursive: true, force: true });
    await rm(`${rendererDir}-secret.txt`, { force: true });
  });

  const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

  it('serves the bundled console with its CSP and nosniff', async () => {
    const res = await get('app://console/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('id="root"');
    const js = await get('app://console/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves index.html at the root and 404 for anything that is not a file', async () => {
    expect(await (await get('app://console/')).text()).toContain('id="root"');
    expect((await get('app://console/apps/123')).status).toBe(404);
    expect((await get('app://console/assets')).status).toBe(404);
    expect((await get('app://console/assets/missing.js')).status).toBe(404);
  });

  it('never leaves the renderer folder', async () => {
    const name = `${rendererDir.split('/').pop()}-secret.txt`;
    for (const path of [`../${name}`, `%2e%2e/${name}`, `..%2f${name}`, `assets/..%2f..%2f${name}`, '..%2f..%2f..%2fetc%2fpasswd']) {
      const res = await get(`app://console/${path}`);
      expect([400, 404]).toContain(res.status);
      expect(await res.text()).not.toContain('outside');
    }
  });

  it('answers other hosts and methods with errors', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://console/index.html', 'POST')).status).toBe(405);
  });

  it('serves the start-up page with its own CSP and runs its actions', async () => {
    const page = await get(STARTUP_URL);
    expect(page.headers.get('content-security-policy')).toBe(STARTUP_PAGE_CSP);
    expect(await page.text()).toContain('Port 9090 is in use');
    const chose = await get('app://console/_shell/startup/use-port?port=9091');
    expect(chose.status).toBe(303);
    expect(chose.headers.get('location')).toBe(STARTUP_URL);
    expect(onStartupAction).toHaveBeenCalledWith({ kind: 'use-port', port: 9091 });
    onStartupAction.mockClear();
    expect((await get('app://console/_shell/startup/use-port?port=99999')).status).toBe(303);
    expect(onStartupAction).not.toHaveBeenCalled();
  });

  it('serves no files under npm start, where the dev server has them', async () => {
    const dev = createAppProtocolHandler({ rendererDir: null, rendererCsp: '', startupPage: () => '', onStartupAction });
    expect((await dev(new Request('app://console/index.html'))).status).toBe(404);
    expect((await dev(new Request(STARTUP_URL))).status).toBe(200);
  });
});
