/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by area
 * (our code per file, the engine, Kysely, Koa, React, node internals, GC,
 * idle) and the hottest functions. node:sqlite runs statements on the
 * main thread, inside our connection's `executeQuery` (its own area here,
 * SQLite's time and the little JavaScript around it).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of the main thread's time per area, sorted. */
  areas: Array<{ area: string; ms: number; share: number }>;
  /** Hottest functions by self time. */
  functions: Array<{ fn: string; where: string; ms: number; share: number }>;
}

export function areaOf(url: string, fn: string): string {
  if (!url) {
    if (fn === '(idle)') return 'idle (waiting: network, timers)';
    if (fn === '(garbage collector)') return 'garbage collector';
    if (fn === '(program)') return 'V8/native (program)';
    return `native: ${fn || '(anonymous)'}`;
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) {
    const pkg = nm[1]!;
    if (pkg === 'oidc-provider') return 'oidc-provider (engine)';
    if (pkg === 'kysely') return 'kysely (query building)';
    if (pkg === 'koa' || pkg.startsWith('@koa/') || pkg.startsWith('koa-')) return 'koa + router + bodyparser';
    if (pkg.startsWith('react')) return 'react (server rendering)';
    if (pkg === 'jose') return 'jose (JWT/JWK)';
    if (pkg === 'zod') return 'zod';
    return `other package: ${pkg}`;
  }
  if (url.endsWith('src/main/store/node-sqlite-connection.ts')) return 'SQLite through node:sqlite (on the main thread)';
  const src = /\/(src\/[^?]+)/.exec(url);
  if (src) return `ours: ${src[1]}`;
  if (url.startsWith('node:')) {
    const mod = url.slice(5).split('/').slice(0, 2).join('/');
    return `node: ${mod}`;
  }
  return `other: ${url.split('/').slice(-2).join('/')}`;
}

/** `window` (µs, the profile's monotonic clock) limits the summary to the measured part of the run. */
export function summarizeProfile(file: string, top = 15, window?: { start?: number; end?: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window?.start !== undefined && at < window.start) continue;
    if (window?.end !== undefined && at > window.end) continue;
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, { where: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/').replace(/^file:\/\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}@${where}`;
    const entry = fns.get(key) ?? { where, us: 0 };
    entry.us += us;
    fns.set(key, entry);
  }
  return {
    totalMs: total / 1000,
    areas: [...areas]
      .map(([area, us]) => ({ area, ms: us / 1000, share: us / total }))
      .sort((a, b) => b.ms - a.ms),
    functions: [...fns]
      .map(([key, { where, us }]) => ({ fn: key.split('@')[0]!, where, ms: us / 1000, share: us / total }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
  };
}
