/** The multilayer study of notebook 06: every hidden layer antitrained and cut to its core. */
export {
  multilayerStudy,
  multilayerSettings,
  multilayerSetup,
  multilayerSplitSizes,
  multilayerTuningTable,
  MULTILAYER_FULL_GRIDS,
  type MultilayerStudySettings,
  type MultilayerGrids,
  type MultilayerChosen,
  type MultilayerDetails,
} from "./multilayer";
