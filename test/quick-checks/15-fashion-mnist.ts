import { checkFashionStudy } from "./shared/fashion";

/** Key numbers of 15-fashion-mnist's quick run (784→256→10, h1 pruned): see {@link checkFashionStudy}. */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  checkFashionStudy(r, r.hidden);
}
