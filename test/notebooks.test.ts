import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

/**
 * Every notebook executes headlessly from a fresh kernel in its quick setting and writes its results file.
 * Add a notebook here when you add it to notebooks/.
 */
const NOTEBOOKS: string[] = ["00-quickstart"];

const root = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderNotebook } = require(path.join(root, "scripts", "render-notebook.js")) as {
  renderNotebook: (p: string, o?: { outDir?: string; env?: Record<string, string> }) => { html: string };
};

for (const name of NOTEBOOKS) {
  test(`notebook ${name} executes headlessly and writes its results file`, { timeout: 600_000 }, () => {
    // Quick runs write to a scratch folder so the committed full-run results stay as they are.
    const scratch = path.join(root, "reports", "results-quick");
    const results = path.join(scratch, `${name}.json`);
    const before = fs.existsSync(results) ? fs.statSync(results).mtimeMs : 0;
    const { html } = renderNotebook(path.join(root, "notebooks", `${name}.ipynb`), {
      outDir: path.join(root, "reports"),
      env: { ANTITRAIN_RESULTS_DIR: scratch },
    });
    assert.ok(fs.existsSync(html), `${html} was written`);
    assert.ok(fs.statSync(results).mtimeMs > before, `${results} was rewritten by the run`);
    JSON.parse(fs.readFileSync(results, "utf8"));
  });
}
