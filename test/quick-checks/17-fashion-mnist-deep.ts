import { strict as assert } from "node:assert";
import { checkFashionStudy } from "./shared/fashion";

/** Key numbers of 17-fashion-mnist-deep's quick run (784→512→256→10, the 512-unit h1 pruned): see {@link checkFashionStudy}. */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.deepEqual(r.hidden, [512, 256]);
  assert.equal(r.site, "h1");
  checkFashionStudy(r, r.width);
}
