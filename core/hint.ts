// How to run a command, spelled in one place: lower layers name the command (its entry script,
// scripts/<command>.mjs) and its arguments, never the command line's syntax. A test checks that
// every command named here has its entry script.
export function commandHint(command: string, args: readonly string[] = []): string {
  return ['npx zx', `scripts/${command}.mjs`, ...args].join(' ');
}
