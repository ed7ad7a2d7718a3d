/** The conv study's setup from plain settings: the network builder and the data, rebuilt in any process. */
import type { Dataset } from "../../data/dataset";
import type { ConvStudySetup } from "../conv-compression";
import { studyData } from "../data";
import { smallCnn } from "./cnn";
import type { YourModelSettings } from "./settings";

/**
 * The {@link ConvStudySetup} the settings describe: {@link smallCnn}, the data split (built once per process), and
 * every budget and width.
 *
 * @example
 * const setup = yourModelSetup(yourModelSettings("quick"));   // setup.train, setup.validation, setup.test
 */
export function yourModelSetup(s: YourModelSettings): ConvStudySetup {
  const { train, validation, test } = studyData(s.data);
  return {
    build: smallCnn, train, validation: validation as Dataset, test, site: s.site, pretrain: s.pretrain, updates: s.updates, cycle: s.cycle,
    finetune: s.finetune, keep: s.keep, tolerance: s.tolerance, batchSize: s.batch, measureSize: s.measure, spatial: s.spatial,
  };
}
