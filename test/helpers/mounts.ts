import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Whether this run may mount file systems (small tmpfs mounts make a full
 * or read-only disk for real). Without root, tests that need one are skipped
 * with the reason printed, except under CI=true, where they must run.
 */
export function mountStatus(): { available: boolean; mustFail: boolean; reason: string } {
  const root = process.getuid?.() === 0;
  let available = false;
  let reason = 'not root: mounting a tmpfs needs root (run the suite as root to test a full or read-only disk)';
  if (root) {
    const probe = join(tmpdir(), `oauth-console-mount-probe-${process.pid}`);
    try {
      execFileSync('mkdir', ['-p', probe]);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
      execFileSync('umount', [probe]);
      available = true;
    } catch (err) {
      reason = `root, but mount -t tmpfs failed: ${(err as Error).message.split('\n')[0]}`;
    } finally {
      execFileSync('rm', ['-rf', probe]);
    }
  }
  return { available, mustFail: !available && process.env.CI === 'true', reason };
}

export interface Tmpfs {
  path: string;
  /** Remounts read-only or read-write. */
  remount(mode: 'ro' | 'rw'): void;
  dispose(): Promise<void>;
}

/** Mounts a tmpfs of `size` (e.g. `4m`) on a fresh temp folder. */
export async function mountTmpfs(size: string, options: { readOnly?: boolean } = {}): Promise<Tmpfs> {
  const path = await mkdtemp(join(tmpdir(), 'oauth-console-tmpfs-'));
  await mkdir(path, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755${options.readOnly ? ',ro' : ''}`, 'tmpfs', path]);
  return {
    path,
    remount: (mode) => execFileSync('mount', ['-o', `remount,${mode}`, path]),
    async dispose() {
      execFileSync('umount', ['-l', path]);
      await rm(path, { recursive: true, force: true });
    },
  };
}
