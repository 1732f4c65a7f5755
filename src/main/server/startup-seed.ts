import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ConfigReport } from '../../shared/contract/config';
import { applyConfig } from '../admin/config/apply-config';
import { ConfigDocumentError } from '../admin/config/config-errors';
import { reportLines } from '../admin/config/config-report';
import type { ConfigCtx } from '../admin/config/config-run';
import { SEED } from '../admin/context';
import { StartupError } from '../startup-error';
import { unitOfWork } from '../store/database';
import { markSeededWithoutDemo } from '../store/seed';

/** A seed the data folder holds: applied on every start when no `--seed` is given. */
export const DATA_DIR_SEED_FILES = ['seed.yaml', 'seed.yml', 'seed.json'] as const;

const exists = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** The seed to apply: the one given (`--seed FILE`), else the data folder's first `seed.yaml` / `seed.yml` / `seed.json`. */
export async function seedFileOf(options: { seedFile?: string | undefined; dataDir: string }): Promise<string | undefined> {
  if (options.seedFile !== undefined) return resolve(options.seedFile);
  for (const name of DATA_DIR_SEED_FILES) {
    const file = join(options.dataDir, name);
    if (await exists(file)) return file;
  }
  return undefined;
}

/**
 * Applies a seed file at start, before the server answers a request: all of
 * it in one unit of work, or nothing (a bad file is one StartupError line
 * naming the file, the path, the field and the line). The report's lines go
 * to `log`; they never hold a secret.
 */
export async function applySeedFile(ctx: ConfigCtx, file: string, log: (line: string) => void): Promise<ConfigReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new StartupError(`seed file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let report: ConfigReport;
  try {
    report = await unitOfWork(ctx.db, async () => {
      const applied = await applyConfig(ctx, text, { actor: SEED, file, format: extname(file).toLowerCase() === '.json' ? 'json' : 'yaml' });
      await markSeededWithoutDemo(ctx.db);
      return applied;
    });
  } catch (err) {
    if (err instanceof ConfigDocumentError) throw new StartupError(`seed file ${err.message}; nothing was applied`);
    throw new StartupError(`seed file ${file} could not be applied, so nothing was: ${(err as Error).message}`);
  }
  for (const line of reportLines(report)) log(line);
  return report;
}
