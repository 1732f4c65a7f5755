import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, type ServeProcess } from '../e2e/harness';
import { makeTempDir } from '../helpers/server';

const BUILD_TIMEOUT_MS = 120_000;
const BUILDING_LINE = /^console: building the web console into /m;

const folders: string[] = [];
async function tempFolder(): Promise<string> {
  const dir = await makeTempDir();
  folders.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

/** Reloads `/console/` like the building page does, until it answers something other than "building". */
async function waitWhileBuilding(issuer: string): Promise<Response> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`${issuer}/console/`);
    if (res.status !== 503 || !(await res.clone().text()).includes('Building the web console')) return res;
    if (Date.now() > deadline) throw new Error('the console was still building after 120 s');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The built index.html names its bundle; fetching it proves the whole build is served, not only the page. */
async function expectBuiltConsole(issuer: string, res: Response): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await res.text();
  expect(html).toContain('<div id="root"></div>');
  const script = /<script type="module" crossorigin src="\.\/(assets\/index-[\w-]+\.js)"><\/script>/.exec(html)?.[1];
  expect(script, html).toBeDefined();
  const bundle = await fetch(`${issuer}/console/${script}`);
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect((await bundle.text()).length).toBeGreaterThan(100_000);
}

/**
 * `npm run serve` from the repository with no console build (a fresh clone): the console URL it
 * prints must work without `npm run build`. The build goes to `$OAUTH_CONSOLE_RENDERER_DIR`, a
 * temp folder here (out/renderer by default), so the test never touches the work tree's build.
 */
describe('npm run serve builds the web console on first use', () => {
  it('answers "building" at once, keeps the OAuth endpoints answering, then serves the built console', { timeout: BUILD_TIMEOUT_MS + 30_000 }, async () => {
    const rendererDir = join(await tempFolder(), 'out', 'renderer');
    const server: ServeProcess = await serve(rendererDir);
    try {
      const first = await fetch(`${server.issuer}/console/`);
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('2');
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
      const page = await first.text();
      expect(page).toContain('Building the web console');
      // The page reloads itself with a same-origin script (the CSP refuses inline ones).
      expect(page).toContain('<script src="/console/.build/reload.js"></script>');
      const reload = await fetch(`${server.issuer}/console/.build/reload.js`);
      expect(reload.status).toBe(200);
      expect(await reload.text()).toContain('location.reload()');

      // The build runs in another process: discovery answers promptly meanwhile.
      const latencies: number[] = [];
      for (let i = 0; i < 8; i++) {
        const started = performance.now();
        const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
        latencies.push(performance.now() - started);
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 150));
      }
      expect((await fetch(`${server.issuer}/console/`)).status, 'still building while discovery was measured').toBe(503);
      expect(Math.max(...latencies)).toBeLessThan(1500);

      await expectBuiltConsole(server.issuer, await waitWhileBuilding(server.issuer));
      expect(server.stdout().match(new RegExp(BUILDING_LINE.source, 'gm'))).toHaveLength(1);
      expect(server.stdout()).toMatch(/^console: built in \d+\.\d s$/m);
    } finally {
      await server.stop();
    }
  });

  it('serves a build newer than its sources as it is, and rebuilds one that is older', { timeout: BUILD_TIMEOUT_MS + 30_000 }, async () => {
    const rendererDir = join(await tempFolder(), 'renderer');
    await mkdir(rendererDir);
    const index = join(rendererDir, 'index.html');
    await writeFile(index, '<!doctype html><p>an earlier build</p>');

    const current = await serve(rendererDir);
    try {
      const res = await fetch(`${current.issuer}/console/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('an earlier build');
      expect(current.stdout()).not.toMatch(BUILDING_LINE);
    } finally {
      await current.stop();
    }

    const longAgo = new Date('2001-01-01T00:00:00Z');
    await utimes(index, longAgo, longAgo);
    const stale = await serve(rendererDir);
    try {
      expect((await fetch(`${stale.issuer}/console/`)).status).toBe(503);
      await expectBuiltConsole(stale.issuer, await waitWhileBuilding(stale.issuer));
      expect(await readFile(index, 'utf8')).not.toContain('an earlier build');
      expect(stale.stdout()).toMatch(BUILDING_LINE);
    } finally {
      await stale.stop();
    }
  });

  it('says once why a build cannot run, and does not retry it on every reload', async () => {
    const file = join(await tempFolder(), 'a-file');
    await writeFile(file, 'not a folder');
    const server = await serve(join(file, 'out', 'renderer'));
    try {
      let res = await waitWhileBuilding(server.issuer);
      for (let i = 0; i < 3; i++) res = await fetch(`${server.issuer}/console/`);
      expect(res.status).toBe(503);
      const page = await res.text();
      expect(page).toContain('The web console could not be built');
      expect(page).toContain('ENOTDIR');
      expect(page).not.toContain('reload.js');
      const failures = server.stdout().match(/^console: the web console build failed: .*ENOTDIR.*$/gm);
      expect(failures).toHaveLength(1);
      // The OAuth side is unaffected.
      expect((await fetch(`${server.issuer}/.well-known/openid-configuration`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('never replaces a folder that holds something other than a console build', async () => {
    const rendererDir = await tempFolder();
    await writeFile(join(rendererDir, 'notes.txt'), 'keep me');
    const server = await serve(rendererDir);
    try {
      const res = await waitWhileBuilding(server.issuer);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('holds files that are not a console build, so it is left alone');
      expect(await readFile(join(rendererDir, 'notes.txt'), 'utf8')).toBe('keep me');
      expect(server.stdout()).not.toMatch(BUILDING_LINE);
    } finally {
      await server.stop();
    }
  });
});
