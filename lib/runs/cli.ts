#!/usr/bin/env node
/**
 * The `antitrain` command line. `main(argv)` is a plain function (tests and notebook cells call it directly) that
 * returns the exit code; users see one-line errors, never a stack trace (ANTITRAIN_DEBUG=1 shows it).
 *
 *   antitrain run CONFIG.json [--out DIR] [--resume]
 *   antitrain sweep SWEEP.json [--out DIR] [--workers N] [--redis URL]
 *   antitrain worker --redis URL [--out DIR] [--queue NAME]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseRunConfig } from "./config";
import { AntitrainError } from "../base/errors";
import { runFromConfig } from "./run";

const USAGE = `usage:
  antitrain run CONFIG.json [--out DIR] [--resume]     run (or resume) the run a JSON config describes
  antitrain sweep SWEEP.json [--out DIR] [--workers N] [--redis URL]
                                                        run a grid of runs: on BullMQ workers when --redis (or
                                                        ANTITRAIN_REDIS) is set, else on N local worker processes
  antitrain worker --redis URL [--out DIR] [--queue NAME]
                                                        serve sweep jobs from Redis until stopped
  (see docs/runs.md)`;

/** Exit codes: 0 done, 1 the run failed or stopped on a fault, 2 bad usage or config, 130 interrupted (resumable). */
export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === "run") return await runCommand(rest);
    if (command === "sweep" || command === "worker") {
      const sweep = await import("./sweep-cli");
      return command === "sweep" ? await sweep.sweepCommand(rest) : await sweep.workerCommand(rest);
    }
    throw new UsageError(`unknown command "${command}": use run, sweep or worker`);
  } catch (e) {
    if (process.env.ANTITRAIN_DEBUG === "1" && e instanceof Error) console.error(e.stack);
    const message = e instanceof Error ? e.message : String(e);
    const oneLine = message.replace(/\s*\n\s*/g, " ");
    if (e instanceof AntitrainError || e instanceof UsageError) {
      console.error(`antitrain: ${oneLine}`);
      return e instanceof UsageError || /^config key|^config file|^cannot read/.test(message) ? 2 : 1;
    }
    console.error(`antitrain: unexpected error: ${oneLine} (set ANTITRAIN_DEBUG=1 to see where)`);
    return 1;
  }
}

async function runCommand(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, { out: "value", resume: "switch" });
  if (positional.length !== 1) throw new UsageError(`run takes one CONFIG.json, got ${positional.length}: antitrain run CONFIG.json [--out DIR] [--resume]`);
  const file = positional[0];
  const config = parseRunConfig(readConfigFile(file));
  const out = typeof flags.out === "string" ? flags.out : path.join("runs", path.basename(file).replace(/\.json$/i, ""));
  const result = await runFromConfig(config, {
    out,
    resume: flags.resume === true,
    resumeHint: `antitrain run ${file} --out ${out} --resume`,
  });
  return result.status === "done" ? 0 : 130;
}

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

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
