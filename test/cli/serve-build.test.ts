import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script without declarations
import { serveBuild } from '../../scripts/serve-build.mjs';
import { makeTempDir } from '../helpers/server';

const build = serveBuild as (root?: string) => Promise<string>;

/**
 * A project shaped like ours for the build (src/main/cli.ts, a lazily
 * imported module, package.json, tsconfig.node.json), so sources can change
 * without touching the repository's.
 */
let root: string;
const cli = () => join(root, 'src', 'main', 'cli.ts');
const run = (entry: string) => execFileSync(process.execPath, [entry, 'a', 'b'], { encoding: 'utf8' }).trim();

async function writeCli(text: string): Promise<void> {
  await writeFile(cli(), text);
  // Two writes within one tick of the clock must still count as a change.
  const later = new Date(Date.now() + Math.random() * 10_000 + 1000);
  await utimes(cli(), later, later);
}

beforeAll(async () => {
  root = await makeTempDir();
  await mkdir(join(root, 'src', 'main'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'serve-build-fixture', type: 'module' }));
  await writeFile(join(root, 'tsconfig.node.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', strict: true } }));
  await writeFile(join(root, 'src', 'main', 'later.ts'), "export const later = (n: number): string => `later ${n}`;\n");
  await writeCli("const { later } = await import('./later');\nconst args: string[] = process.argv.slice(2);\nconsole.log(`v1 ${args.join(',')} ${later(1)}`);\n");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("npm run serve's build (scripts/serve-build.mjs)", () => {
  it('builds on the first run, with lazily imported modules as chunks, and passes the arguments through', async () => {
    const entry = await build(root);
    expect(entry.startsWith(join(root, 'out', 'serve'))).toBe(true);
    expect(run(entry)).toBe('v1 a,b later 1');
    const files = await readdir(join(entry, '..'));
    expect(files.filter((f) => /^later-.*\.js$/.test(f))).toHaveLength(1);
  });

  it('reuses the build while no source changed, and rebuilds when one did', async () => {
    const first = await build(root);
    const builtAt = JSON.parse(await readFile(join(root, 'out', 'serve', 'current.json'), 'utf8')).builtAt;
    expect(await build(root)).toBe(first);
    expect(JSON.parse(await readFile(join(root, 'out', 'serve', 'current.json'), 'utf8')).builtAt).toBe(builtAt);

    await writeCli("const { later } = await import('./later');\nconsole.log(`v2 ${later(2)}`);\n");
    const second = await build(root);
    expect(second).not.toBe(first);
    expect(run(second)).toBe('v2 later 2');

    // A change to a module only imported lazily counts too.
    await writeFile(join(root, 'src', 'main', 'later.ts'), "export const later = (n: number): string => `changed ${n}`;\n");
    const third = await build(root);
    expect(third).not.toBe(second);
    expect(run(third)).toBe('v2 changed 2');
  });

  it('gives every concurrent start a complete build', async () => {
    await writeCli("console.log('v3');\n");
    const entries = await Promise.all([build(root), build(root), build(root)]);
    for (const entry of entries) expect(run(entry)).toBe('v3');
    expect((await readdir(join(root, 'out', 'serve'))).filter((name) => name.startsWith('.build-'))).toEqual([]);
  });

  it('refuses a source that does not compile in one line naming the file, and keeps no partial build', async () => {
    await writeCli('const x: number = ;\n');
    await expect(build(root)).rejects.toThrow(/^cannot build the server from src\/main: src\/main\/cli\.ts:1: /);
    expect((await readdir(join(root, 'out', 'serve'))).filter((name) => name.startsWith('.build-'))).toEqual([]);
    await writeCli("console.log('v4');\n");
    expect(run(await build(root))).toBe('v4');
  });

  it('keeps a few older builds for servers still running from them, and no more', async () => {
    for (let i = 0; i < 7; i++) {
      await writeCli(`console.log('v${10 + i}');\n`);
      await build(root);
    }
    const builds = (await readdir(join(root, 'out', 'serve'), { withFileTypes: true })).filter((e) => e.isDirectory());
    expect(builds).toHaveLength(5);
  });
});
