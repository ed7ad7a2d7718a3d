/**
 * What `antitrain run` (cli.ts) and `antitrain sweep`/`worker` (sweep-cli.ts) share: reading a config file and
 * splitting the command line. Its own module so that cli.ts, which loads sweep-cli.ts on demand, and sweep-cli.ts
 * do not import each other.
 */
import * as fs from "node:fs";
import { AntitrainError } from "../base/errors";

/** Reads a JSON file as data (never evaluated), with a one-line error naming the file. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new AntitrainError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AntitrainError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A usage mistake on the command line. */
export class UsageError extends Error {}

/** Splits `--flag value` / `--switch` from positional arguments; unknown flags are usage errors. */
export function parseArgs(
  args: string[],
  known: Record<string, "value" | "switch">,
): { positional: string[]; flags: Record<string, string | boolean> } {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split("=", 2);
    const kind = Object.hasOwn(known, name) ? known[name] : undefined;
    if (kind === undefined) throw new UsageError(`unknown option --${name}: known options are ${Object.keys(known).map((k) => `--${k}`).join(", ")}`);
    if (kind === "switch") {
      flags[name] = true;
    } else {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    }
  }
  return { positional, flags };
}
