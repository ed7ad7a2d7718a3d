import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Temporary folders for one test file: `make(prefix)` creates a fresh folder under the OS temp dir and `remove()`
 * deletes every folder made so far. Call `remove` from the file's `after` hook (after stopping any child process
 * that writes into them), so a test run leaves nothing behind in the temp dir, whether its tests pass or fail.
 */
export function tempDirs(): { make(prefix: string): string; remove(): void } {
  const made: string[] = [];
  return {
    make(prefix) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    remove() {
      for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
