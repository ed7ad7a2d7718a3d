/**
 * Every study by name. `STUDIES` holds the notebooks' studies; `registerStudy` adds a researcher's own (in this
 * process; worker processes load the modules `ANTITRAIN_STUDY_MODULES` names, comma-separated, which register theirs).
 */
import { AntitrainError } from "../base/errors";
import type { AnyStudy } from "./study";
import { activationShapesStudy } from "./activation-shapes/study";
import { adaptiveLrStudy } from "./adaptive-lr/study";
import { charLmCompressionStudy, transformerCompressionStudy } from "./transformer-compression/study";
import { compressionVariants, digitsCompression, fashionCompression, fashionDeepCompression, fashionFullSizeCompression } from "./compression/index";
import { concentrationStudy } from "./concentration/concentration";
import { conceptsStudy } from "./concepts/study";
import { equivalenceStudy } from "./concentration/equivalence-class";
import { grokkingStudy } from "./grokking-study/study";
import { localizationStudy } from "./localization/study";
import { memorizationStudy } from "./memorization/study";
import { multilayerStudy } from "./multilayer/multilayer";
import { mutualInformationStudy } from "./mutual-information/study";
import { quickstartStudy } from "./quickstart/study";
import { randomizationStudy } from "./randomization/study";
import { regularizationStudy } from "./regularization/study";
import { schedulesStudy } from "./schedules/study";
import { yourModelStudy } from "./your-model/study";

/** The notebooks' studies, by notebook name. */
export const STUDIES: Readonly<Record<string, AnyStudy>> = {
  "00-quickstart": quickstartStudy,
  "01-concentration": concentrationStudy,
  "02-equivalence-class": equivalenceStudy,
  "03-regularization": regularizationStudy,
  "04-compression": digitsCompression,
  "05-schedules": schedulesStudy,
  "06-multilayer": multilayerStudy,
  "07-randomization": randomizationStudy,
  "08-generalizing-vs-memorizing": memorizationStudy,
  "09-grokking": grokkingStudy,
  "10-transformer-compression": transformerCompressionStudy,
  "10-transformer-compression-lm": charLmCompressionStudy,
  "11-mutual-information": mutualInformationStudy,
  "12-concepts": conceptsStudy,
  "13-adaptive-learning-rate": adaptiveLrStudy,
  "14-activation-shapes": activationShapesStudy,
  "15-fashion-mnist": fashionCompression,
  "16-push-the-method": compressionVariants,
  "17-fashion-mnist-deep": fashionDeepCompression,
  "18-your-own-model": yourModelStudy,
  "19-localization": localizationStudy,
  "20-fashion-mnist-full": fashionFullSizeCompression,
};

const extra = new Map<string, AnyStudy>();

/**
 * Adds a study to the registry of this process (so `runStudy`'s workers find it, export it from a module listed in
 * `ANTITRAIN_STUDY_MODULES`). A name the notebooks' studies use is refused.
 *
 * @example
 * registerStudy(myStudy);
 */
export function registerStudy(study: AnyStudy): void {
  if (Object.hasOwn(STUDIES, study.name)) throw new AntitrainError(`study name "${study.name}" is taken by a notebook's study: choose another`);
  const known = extra.get(study.name);
  if (known !== undefined && known !== study) throw new AntitrainError(`another study named "${study.name}" is registered already`);
  extra.set(study.name, study);
}

let modulesLoaded = false;

/** Loads the modules `ANTITRAIN_STUDY_MODULES` names (each registers its studies when loaded), once. */
function loadStudyModules(): void {
  if (modulesLoaded) return;
  modulesLoaded = true;
  for (const file of (process.env.ANTITRAIN_STUDY_MODULES ?? "").split(",").filter((f) => f.trim() !== "")) require(file.trim());
}

/**
 * The study called `name`, or an AntitrainError listing the known ones.
 *
 * @example
 * const study = studyByName("04-compression");
 */
export function studyByName(name: string): AnyStudy {
  loadStudyModules();
  const found = Object.hasOwn(STUDIES, name) ? STUDIES[name] : extra.get(name);
  if (found === undefined) {
    const known = [...Object.keys(STUDIES), ...extra.keys()];
    throw new AntitrainError(`unknown study "${name}": known studies are ${known.length === 0 ? "none" : known.join(", ")} (a study of your own: registerStudy it in a module listed in ANTITRAIN_STUDY_MODULES)`);
  }
  return found;
}
