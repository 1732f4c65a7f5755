#!/usr/bin/env node
/**
 * The package's command, `oauth-console serve [options]` (`npx oauth-console
 * serve --port 0` in a project that installed the package). `serve` is the
 * one command: it runs the very CLI of `npm run serve` (src/main/cli.ts,
 * which reads its flags from `process.argv`), so both take the same flags
 * and print the same lines.
 */
const BIN_USAGE = `Usage: oauth-console serve [options]

Starts the OAuth Console authorization server (headless, no Electron).
Run "oauth-console serve --help" for the options.`;

const command = process.argv[2];
if (command === 'serve') {
  process.argv.splice(2, 1);
  await import('./cli');
} else if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(BIN_USAGE);
} else {
  console.error(`oauth-console: unknown command "${command}"\n\n${BIN_USAGE}`);
  process.exitCode = 1;
}

// An ES module (top-level await above), not a script.
export {};
