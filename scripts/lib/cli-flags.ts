/** `--name value` flags and `--switch`es of a CLI; anything else (or a value missing) prints the usage, exit 2. */
export function parseFlags(
  argv: string[],
  valued: string[],
  switches: string[],
  usageText: string,
): { values: Record<string, string | undefined>; switches: Set<string>; usage: (message?: string) => never } {
  const usage = (message?: string): never => {
    if (message) console.error(message);
    console.error(usageText);
    process.exit(2);
  };
  const values: Record<string, string | undefined> = {};
  const on = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (switches.includes(a)) on.add(a);
    else if (valued.includes(a)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) usage(`${a} needs a value`);
      values[a] = v;
      i++;
    } else usage(`unknown argument: ${a}`);
  }
  return { values, switches: on, usage };
}
