import { AntitrainError } from "./errors";

/**
 * Checks an options argument is a plain object (or undefined) whose keys are all known, so a misspelled option
 * fails loudly instead of being ignored. `what` names the function in the message.
 */
export function requireKnownKeys(options: unknown, known: readonly string[], what: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new AntitrainError(`${what} takes an options object, got ${options === null ? "null" : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new AntitrainError(`unknown option "${key}" for ${what}: known options are ${known.map((k) => `"${k}"`).join(", ")}`);
    }
  }
}

/** Checks `value` is one of `allowed` (an enum option), naming the choices when it is not. */
export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new AntitrainError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(value)}`);
  }
}
