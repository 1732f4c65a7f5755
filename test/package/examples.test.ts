import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumStatus } from '../e2e/harness';
import { ROOT, run } from './packed-project';

/**
 * The documented examples (examples/vitest, examples/playwright) run as a
 * user runs them, with vitest, in a process of their own
 * (examples/vitest.config.ts points `oauth-console` at the package's
 * source). The Playwright one needs Chromium: skipped with the reason
 * printed when it is missing here, a failure in CI.
 */
interface JsonReport {
  numTotalTests: number;
  numPassedTests: number;
  testResults: Array<{ name: string; status: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
}

async function runExamples(folder: string): Promise<JsonReport> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-console-examples-'));
  const reportFile = join(dir, 'report.json');
  try {
    // The outer run's worker variables would make the inner vitest think it is a worker.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
    const args = [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'examples/vitest.config.ts', '--reporter=json', `--outputFile=${reportFile}`, folder];
    const outcome = await run(process.execPath, args, { cwd: ROOT, env, timeoutMs: 120_000 }).then(
      () => 'passed',
      (err: Error) => err.message,
    );
    if (!existsSync(reportFile)) throw new Error(`the ${folder} examples did not report: ${outcome}`);
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as JsonReport;
    const failures = report.testResults.flatMap((file) => file.assertionResults.filter((a) => a.status !== 'passed').map((a) => `${a.fullName}: ${a.failureMessages.join('\n')}`));
    expect(failures).toEqual([]);
    expect(outcome).toBe('passed');
    return report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(`skipped: the Playwright example: ${chromium.reason}`);

describe('the documented examples', () => {
  it('examples/vitest: startServer in beforeAll, openid-client against it', async () => {
    const report = await runExamples('vitest/');
    expect(report.numTotalTests).toBe(5);
    expect(report.numPassedTests).toBe(5);
  }, 150_000);

  it.runIf(chromium.mustFail)('examples/playwright: Chromium is installed in CI', () => {
    throw new Error(`CI=true: ${chromium.reason}`);
  });

  it.runIf(chromium.available)('examples/playwright: playwright-core and Chromium through the real sign-in and consent pages', async () => {
    const report = await runExamples('playwright/');
    expect(report.numTotalTests).toBe(1);
    expect(report.numPassedTests).toBe(1);
  }, 150_000);
});
