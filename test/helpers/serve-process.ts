import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** What `npm run serve` runs (the CLI bundled, built when missing or stale: scripts/serve-build.mjs). */
const SERVE = join(ROOT, 'scripts', 'serve.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run serve`'s command with flags, like a user would; stops it after `timeoutMs` (code null). */
export function serve(args: string[], untilLine?: RegExp, onLine?: (line: string, kill: () => void) => void, timeoutMs = 20_000, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVE, ...args], { cwd: ROOT, env: { ...process.env, OAUTH_CONSOLE_DATA_DIR: '', ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (untilLine && onLine) {
        for (const line of stdout.split('\n')) if (untilLine.test(line)) onLine(line, () => child.kill('SIGTERM'));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stderr.replace(/oidc-provider WARNING: Unsupported runtime.*\n/, '') });
    });
  });
}
