#!/usr/bin/env node
/**
 * The `antitrain` command line. `main(argv)` is a plain function (tests and notebook cells call it directly) that
 * returns the exit code; users see one-line errors, never a stack trace (ANTITRAIN_DEBUG=1 shows it).
 *
 *   antitrain run CONFIG.json [--out DIR] [--resume]
 *   antitrain sweep SWEEP.json [--out DIR] [--workers N] [--redis URL]
 *   antitrain worker --redis URL [--out DIR] [--queue NAME]
 *   antitrain measure MODEL_DIR --data FILE [--labels FILE] [--sites a,b] [--rows N] [--seed S] [--out report.html]
 */
import * as path from "node:path";
import { parseRunConfig } from "./config";
import { AntitrainError } from "../base/errors";
import { UsageError, parseArgs, readConfigFile } from "./cli-args";
import { runFromConfig } from "./run";

const USAGE = `usage:
  antitrain run CONFIG.json [--out DIR] [--resume]     run (or resume) the run a JSON config describes
  antitrain sweep SWEEP.json [--out DIR] [--workers N] [--redis URL]
                                                        run a grid of runs: on BullMQ workers when --redis (or
                                                        ANTITRAIN_REDIS) is set, else on N local worker processes
  antitrain worker --redis URL [--out DIR] [--queue NAME]
                                                        serve sweep runs and notebook seeds (SEED_QUEUE) from
                                                        Redis until stopped
  antitrain measure MODEL_DIR --data FILE [--labels FILE] [--label-column NAME|last] [--sites a,b] [--rows N]
                    [--seed S] [--method resample|mean|zero|gaussian] [--out report.html]
                                                        measure a saved TensorFlow.js layers model on IDX, CSV or
                                                        NPY data (uint8 scaled to [0, 1]) and write a self-contained
                                                        HTML report: unit importance, cores, damage curves
                                                        (antitrain measure --help for every option)
  (see docs/runs.md)`;

/**
 * Exit codes: 0 done, 1 the run failed or stopped on a fault, 2 bad usage or config (for measure: any refused input),
 * 130 interrupted (resumable).
 */
export async function main(argv: string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === "run") return await runCommand(rest);
    if (command === "measure") return await (await import("./measure-cli")).measureCommand(rest);
    if (command === "sweep" || command === "worker") {
      const sweep = await import("./sweep-cli");
      return command === "sweep" ? await sweep.sweepCommand(rest) : await sweep.workerCommand(rest);
    }
    throw new UsageError(`unknown command "${command}": use run, sweep, worker or measure`);
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
  const config = parseRunConfig(readConfigFile(file), { dir: path.dirname(path.resolve(file)) });
  const out = typeof flags.out === "string" ? flags.out : path.join("runs", path.basename(file).replace(/\.json$/i, ""));
  const result = await runFromConfig(config, {
    out,
    resume: flags.resume === true,
    resumeHint: `antitrain run ${file} --out ${out} --resume`,
  });
  return result.status === "done" ? 0 : 130;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
