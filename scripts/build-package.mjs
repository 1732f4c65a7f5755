// Builds what the npm package ships (`npm pack` runs it as `prepack`), into dist/:
//   dist/lib/       the library (index.js: startServer) and the command (bin.js), ES modules
//                   bundled by esbuild from src/main (npm dependencies bundled in but for those
//                   scripts/esbuild-node.mjs keeps external)
//   dist/renderer/  the web console, built as `npm run build` builds it (scripts/build-console.mjs)
//   dist/types/     declarations (tsc); package.json's `files` ships those of the public surface
// A consumer's `node` cannot run TypeScript, and the package must not need Electron at run time:
// the build fails when anything it bundles imports electron.
//
//   node scripts/build-package.mjs
import { spawn } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { NODE_BUNDLE } from './esbuild-node.mjs';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const shipped = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);

const result = await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/main/package/index.ts', bin: 'src/main/bin.ts' },
  outdir: join(dist, 'lib'),
  // Shared chunks sit beside the entries: the console's files are found relative to the code (`../renderer`).
  ...NODE_BUNDLE,
  logLevel: 'warning',
});

// Every bare import left in the bundle must be Node's own or a dependency the package declares.
const packageOf = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
const undeclared = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || isBuiltin(path)) continue;
    if (!shipped.has(packageOf(path))) undeclared.add(path);
  }
}
if (undeclared.size) {
  console.error(`build-package: the bundle imports ${[...undeclared].join(', ')}, which the package does not depend on (electron is a devDependency: only src/main/app may import it)`);
  process.exit(1);
}

/** Runs a node script to its end; rejects naming it when it fails. */
const runNode = (args, env = process.env) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`build-package: ${args.join(' ')} exited with ${code}`))));
  });

// The console and the declarations build side by side. The shipped console is a production build
// whatever NODE_ENV the caller has (vitest sets `test`); type checking is `npm run typecheck`'s job,
// here tsc only writes declarations.
await Promise.all([
  runNode([join(root, 'scripts', 'build-console.mjs'), join(dist, 'renderer')], { ...process.env, NODE_ENV: 'production' }),
  runNode([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.package.json', '--noCheck']),
]);

// The sources import without extensions (bundler resolution); a consumer's `node16`/`nodenext`
// resolution needs them in ES module declarations: `./types` → `./types.js`, `./contract` → `./contract/index.js`.
const types = join(dist, 'types');
for (const entry of readdirSync(types, { recursive: true })) {
  if (!entry.endsWith('.d.ts')) continue;
  const file = join(types, entry);
  const withExtensions = readFileSync(file, 'utf8').replace(/((?:from|import\()\s*['"])(\.{1,2}\/[^'"]+)(['"])/g, (match, before, specifier, after) => {
    const target = resolve(dirname(file), specifier);
    if (existsSync(`${target}.d.ts`)) return `${before}${specifier}.js${after}`;
    if (existsSync(join(target, 'index.d.ts'))) return `${before}${specifier}/index.js${after}`;
    return match;
  });
  writeFileSync(file, withExtensions);
}
console.log('build-package: dist/lib, dist/renderer, dist/types');
