import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killHard, serveChild } from '../helpers/serve-child';
import { serve } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/server';

const SECRET = 'oc_sec_cli-known-secret-0123456789abcdefghijklmno';
const SEED = `workspaces:
  - { slug: ci, name: CI }
apps:
  - workspace: ci
    clientId: oc_app_cliSeeded01
    name: CLI App
    clientSecret: ${SECRET}
    grantTypes: [client_credentials]
    actorModes: [app]
    scopes: [read:user]
`;

const children: ChildProcess[] = [];
afterEach(() => {
  while (children.length) killHard(children.pop()!);
});

describe('serve --seed FILE', () => {
  it('prints what the seed created, then 0 changes on the next start over the same database', async () => {
    const dataDir = await makeTempDir();
    const file = join(await makeTempDir(), 'ci.yaml');
    await writeFile(file, SEED);
    const first = await serveChild(['--port', '0', '--data-dir', dataDir, '--keychain', 'off', '--seed', file], children);
    const out = first.output();
    expect(out).toContain(`seed ${file}: applied, 2 created, 0 updated, 0 unchanged`);
    expect(out).toContain('  created app ci/CLI App (apps[0])');
    expect(out).not.toContain(SECRET);
    // A first run with a seed has no demo data.
    expect(out).not.toMatch(/demo client_id/);
    const token = await fetch(`${first.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`oc_app_cliSeeded01:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read%3Auser',
    });
    expect(token.status).toBe(200);
    killHard(first.process);
    await new Promise((resolve) => first.process.once('exit', resolve));
    const second = await serveChild(['--port', '0', '--data-dir', dataDir, '--keychain', 'off', '--seed', file], children);
    expect(second.output()).toContain(`seed ${file}: applied, 0 created, 0 updated, 2 unchanged`);
  });

  it('a bad seed is one line on stderr with the file, path and line, and exit code 1', async () => {
    const dataDir = await makeTempDir();
    const file = join(dataDir, 'bad.yaml');
    await writeFile(file, 'workspaces:\n  - slug: ci\n    name: CI\n    colour: blue\n');
    const run = await serve(['--port', '0', '--data-dir', dataDir, '--keychain', 'off', '--seed', file]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`oauth-console: seed file ${file}: workspaces[0].colour, line 4: unknown field; nothing was applied`);
    expect(run.stdout).not.toContain('issuer:');
  });
});
