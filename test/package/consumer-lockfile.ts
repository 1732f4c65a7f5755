import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Lockfile {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where Node (and npm's tree) finds `name` from the package at `from`: its own node_modules, then each parent's. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/** The registry's tarball URL of a package version (`@scope/name` → `@scope/name/-/name-1.0.0.tgz`). */
function registryTarball(name: string, version: string): string {
  return `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz`;
}

/**
 * A lockfile for a fresh project that depends only on the packed tarball:
 * the package's production tree exactly as this repository's
 * package-lock.json resolved it (same paths, versions, integrity), so
 * `npm ci --offline` installs it from the npm cache that installing this
 * repository filled, without asking the registry anything. `npm ci` itself
 * refuses a lockfile out of step with the project's package.json.
 */
export function consumerLockfile(manifestPath: string, repoLockPath: string, tarballPath: string, tarballSpec: string, consumerName: string): Lockfile {
  const repo = JSON.parse(readFileSync(repoLockPath, 'utf8')) as Lockfile;
  const root = repo.packages['']!;
  // The package's own metadata (bin, engines) as packed: package.json, not the lockfile's copy of it.
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as LockEntry;
  if (JSON.stringify(manifest.dependencies) !== JSON.stringify(root.dependencies)) throw new Error('package.json and package-lock.json disagree on dependencies: run npm install in the repository');
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarballPath)).digest('base64')}`;
  const pkgPath = 'node_modules/oauth-console';
  const out: Record<string, LockEntry> = {
    '': { name: consumerName, dependencies: { 'oauth-console': tarballSpec } },
    [pkgPath]: {
      version: manifest.version,
      resolved: tarballSpec,
      integrity,
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.optionalDependencies ? { optionalDependencies: manifest.optionalDependencies } : {}),
      ...(manifest.bin ? { bin: manifest.bin } : {}),
      ...(manifest.engines ? { engines: manifest.engines } : {}),
    },
  };
  // Breadth first; an entry reached by any required edge is required, else optional.
  const required = new Map<string, boolean>();
  const queue: Array<{ from: string; entry: LockEntry; optional: boolean }> = [{ from: '', entry: root, optional: false }];
  while (queue.length) {
    const { from, entry, optional } = queue.shift()!;
    const edges: Array<[string, boolean]> = [
      ...Object.keys(entry.dependencies ?? {}).map((name): [string, boolean] => [name, optional]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((name): [string, boolean] => [name, true]),
      ...Object.keys(entry.peerDependencies ?? {})
        .filter((name) => !entry.peerDependenciesMeta?.[name]?.optional)
        .map((name): [string, boolean] => [name, optional]),
    ];
    for (const [name, edgeOptional] of edges) {
      const path = resolveIn(repo.packages, from, name);
      if (!path) {
        if (edgeOptional) continue;
        throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}: run npm install in the repository`);
      }
      const seen = required.get(path);
      if (seen === true || (seen === false && edgeOptional)) continue;
      required.set(path, !edgeOptional);
      queue.push({ from: path, entry: repo.packages[path]!, optional: edgeOptional });
    }
  }
  for (const [path, isRequired] of required) {
    const { dev: _dev, optional: _optional, devOptional: _devOptional, peer: _peer, ...entry } = repo.packages[path]!;
    // This repository's lockfile omits registry URLs; without one npm would ask for the package's metadata first.
    const resolved = entry.resolved ?? registryTarball(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), entry.version!);
    out[path] = { ...entry, resolved, ...(isRequired ? {} : { optional: true }) };
  }
  return { name: consumerName, lockfileVersion: 3, requires: true, packages: out };
}
