import { describe, expect, it } from 'vitest';
import { rendererContentSecurityPolicy, withContentSecurityPolicy } from '../../src/main/app/content-security-policy';
import { createIpcSenderCheck, isTrustedIpcSender } from '../../src/main/app/ipc-sender';
import { allowsNetworkRequest, decideNavigation, decidePermission, decideWindowOpen, externalUrl } from '../../src/main/app/navigation-policy';
import { originOf, rendererLocation, STARTUP_URL } from '../../src/main/app/renderer-location';
import { STARTUP_PAGE_CSP } from '../../src/main/app/startup-page';
import { mainWindowOptions } from '../../src/main/app/window-options';
import { DEFAULT_WINDOW_STATE } from '../../src/main/app/window-state';

const production = rendererLocation(undefined, true);
const development = rendererLocation('http://localhost:5173/', false);

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((part) => {
    const [name, ...sources] = part.trim().split(/\s+/);
    return [name!, sources];
  }));
}

describe("Electron's security checklist", () => {
  describe('window options', () => {
    const prefs = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', state: DEFAULT_WINDOW_STATE, dev: false }).webPreferences!;

    it('isolates the context, sandboxes the renderer and gives it no Node', () => {
      expect(prefs.contextIsolation).toBe(true);
      expect(prefs.sandbox).toBe(true);
      expect(prefs.nodeIntegration).toBe(false);
      expect(prefs.nodeIntegrationInWorker).toBe(false);
      expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    });

    it('keeps web security on and everything experimental off', () => {
      expect(prefs.webSecurity).toBe(true);
      expect(prefs.allowRunningInsecureContent).toBe(false);
      expect(prefs.experimentalFeatures).toBe(false);
      expect(prefs.webviewTag).toBe(false);
      expect(prefs.navigateOnDragDrop).toBe(false);
      expect(prefs).not.toHaveProperty('enableBlinkFeatures');
      expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    });

    it('has developer tools in development only', () => {
      expect(prefs.devTools).toBe(false);
      expect(mainWindowOptions({ preloadPath: '/p', state: DEFAULT_WINDOW_STATE, dev: true }).webPreferences!.devTools).toBe(true);
    });

    it('waits for the first paint before showing, at the saved bounds', () => {
      const options = mainWindowOptions({ preloadPath: '/p', state: { x: 10, y: 20, width: 900, height: 700, maximized: false }, dev: false });
      expect(options).toMatchObject({ show: false, x: 10, y: 20, width: 900, height: 700 });
      expect(mainWindowOptions({ preloadPath: '/p', state: DEFAULT_WINDOW_STATE, dev: false })).toMatchObject({ center: true });
    });
  });

  describe('Content-Security-Policy', () => {
    it('allows nothing remote but images (app logos, as the consent page does), and no inline or eval script in production', () => {
      const csp = directives(rendererContentSecurityPolicy(production));
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('frame-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      expect(csp.get('form-action')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('connect-src')).toEqual(["'self'"]);
      expect(csp.get('img-src')).toEqual(["'self'", 'https:', 'http:', 'data:']);
      for (const [name, sources] of csp) {
        if (name === 'img-src') continue;
        expect(sources.filter((s) => /^(https?:|ws:|\*|'unsafe-eval')/.test(s))).toEqual([]);
      }
    });

    it('relaxes only what the dev server needs under npm start', () => {
      const csp = directives(rendererContentSecurityPolicy(development));
      expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
      expect(csp.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
      expect(rendererContentSecurityPolicy(development)).not.toContain('unsafe-eval');
    });

    it('replaces any policy a response brings, whatever the header case', () => {
      const headers = withContentSecurityPolicy({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] }, "default-src 'none'");
      expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'none'"] });
    });

    it('gives the start-up page no script at all', () => {
      const csp = directives(STARTUP_PAGE_CSP);
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.has('script-src')).toBe(false);
      expect(csp.get('style-src')).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/]+=*'$/)]);
    });
  });

  describe('navigation and new windows', () => {
    it('stays on the console and its start-up page', () => {
      expect(decideNavigation('app://console/apps/123', production)).toEqual({ allow: true });
      expect(decideNavigation(STARTUP_URL, production)).toEqual({ allow: true });
      expect(decideNavigation('http://localhost:5173/apps', development)).toEqual({ allow: true });
    });

    it('blocks everything else and sends only http(s) to the system browser', () => {
      expect(decideNavigation('https://example.com/docs', production)).toEqual({ allow: false, openExternally: 'https://example.com/docs' });
      expect(decideNavigation('http://127.0.0.1:9090/.well-known/openid-configuration', production)).toEqual({
        allow: false,
        openExternally: 'http://127.0.0.1:9090/.well-known/openid-configuration',
      });
      expect(decideNavigation('http://localhost:5173/', production)).toMatchObject({ allow: false });
      expect(decideNavigation('app://evil/index.html', production)).toEqual({ allow: false });
      for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<h1>x', 'smb://host/share', 'chrome://settings', 'not a url']) {
        expect(decideNavigation(url, production)).toEqual({ allow: false });
      }
    });

    it('never opens a new window', () => {
      expect(decideWindowOpen('https://example.com/')).toEqual({ action: 'deny', openExternally: 'https://example.com/' });
      expect(decideWindowOpen('app://console/other')).toEqual({ action: 'deny' });
      expect(decideWindowOpen('file:///tmp/x.html')).toEqual({ action: 'deny' });
    });

    it('checks a URL before shell.openExternal: http(s), a host, no credentials', () => {
      expect(externalUrl('https://example.com/a b')).toBe('https://example.com/a%20b');
      expect(externalUrl('HTTP://Example.COM')).toBe('http://example.com/');
      expect(externalUrl('https://user:pass@example.com/')).toBeNull();
      expect(externalUrl('file:///Applications/Calculator.app')).toBeNull();
      expect(externalUrl('ms-msdt:/id PCWDiagnostic')).toBeNull();
      expect(externalUrl('vbscript:msgbox')).toBeNull();
      expect(externalUrl('')).toBeNull();
    });

    it('lets the window reach the network only for images (app logos) and the dev server', () => {
      expect(allowsNetworkRequest('https://example.com/x.js', 'script', production)).toBe(false);
      expect(allowsNetworkRequest('https://example.com/page', 'mainFrame', production)).toBe(false);
      expect(allowsNetworkRequest('https://example.com/api', 'xhr', production)).toBe(false);
      expect(allowsNetworkRequest('https://example.com/logo.png', 'image', production)).toBe(true);
      expect(allowsNetworkRequest('http://127.0.0.1:8765/logo.png', 'image', production)).toBe(true);
      expect(allowsNetworkRequest('http://127.0.0.1:8765/logo.png', 'script', production)).toBe(false);
      expect(allowsNetworkRequest('http://127.0.0.1:9090/', 'xhr', production)).toBe(false);
      expect(allowsNetworkRequest('http://localhost:5173/src/main.tsx', 'script', development)).toBe(true);
      expect(allowsNetworkRequest('ws://localhost:5173/', 'webSocket', development)).toBe(true);
      expect(allowsNetworkRequest('http://localhost:5174/', 'script', development)).toBe(false);
      expect(allowsNetworkRequest('https://cdn.example.com/x.js', 'script', development)).toBe(false);
    });
  });

  describe('permissions', () => {
    it('denies every permission request except clipboard writes from the console', () => {
      for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen', 'hid', 'serial', 'usb', 'display-capture', 'unknown']) {
        expect(decidePermission(permission, 'app://console/index.html', production)).toBe(false);
      }
      expect(decidePermission('clipboard-sanitized-write', 'app://console/index.html', production)).toBe(true);
      expect(decidePermission('clipboard-sanitized-write', STARTUP_URL.replace('app://console', 'https://evil.example'), production)).toBe(false);
      expect(decidePermission('clipboard-sanitized-write', undefined, production)).toBe(false);
    });
  });

  describe('IPC sender check', () => {
    const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });

    it('trusts only the console page in the top frame', () => {
      expect(isTrustedIpcSender(frame('app://console/index.html'), production)).toBe(true);
      expect(isTrustedIpcSender(frame('app://console/apps/1?x=2#y'), production)).toBe(true);
      expect(isTrustedIpcSender(frame('http://localhost:5173/'), development)).toBe(true);
    });

    it('refuses other origins, sub-frames, the start-up page and vanished frames', () => {
      expect(isTrustedIpcSender(frame('app://console/index.html', {}), production)).toBe(false);
      expect(isTrustedIpcSender(frame(STARTUP_URL), production)).toBe(false);
      expect(isTrustedIpcSender(frame('https://evil.example/'), production)).toBe(false);
      expect(isTrustedIpcSender(frame('file:///app/out/renderer/index.html'), production)).toBe(false);
      expect(isTrustedIpcSender(frame('app://console.evil/index.html'), production)).toBe(false);
      expect(isTrustedIpcSender(frame('http://localhost:5173/'), production)).toBe(false);
      expect(isTrustedIpcSender(frame('http://127.0.0.1:9090/'), development)).toBe(false);
      expect(isTrustedIpcSender({ senderFrame: null }, production)).toBe(false);
      expect(createIpcSenderCheck(production)(frame('about:blank'))).toBe(false);
    });
  });

  describe('renderer location', () => {
    it('serves production from app://console and development from a loopback dev server only', () => {
      expect(production).toEqual({ entryUrl: 'app://console/index.html', origin: 'app://console', dev: false });
      expect(development).toEqual({ entryUrl: 'http://localhost:5173/', origin: 'http://localhost:5173', dev: true });
      expect(rendererLocation('http://localhost:5173/', true).dev).toBe(false);
      expect(() => rendererLocation('https://example.com/', false)).toThrow(/loopback/);
      expect(originOf('app://console/x')).toBe('app://console');
      expect(originOf('nonsense')).toBeNull();
      expect(originOf('file:///x')).toBeNull();
    });
  });
});
