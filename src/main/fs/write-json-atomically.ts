import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes `value` as JSON (one trailing newline) readable only by the user,
 * through a temp file renamed over `file`: a crash mid-write never leaves
 * half a file, and readers see the old or the new contents.
 */
export async function writeJsonAtomically(file: string, value: unknown, indent?: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, indent)}\n`, { mode: 0o600 });
  await rename(temp, file);
}
