/**
 * The one error type antitrain throws for bad input. Its message says what was wrong and how to fix it.
 *
 * @example
 * try { at.importance(model, "h9", data) } catch (e) { if (e instanceof at.AntitrainError) console.log(e.message) }
 */
export class AntitrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AntitrainError";
  }
}
