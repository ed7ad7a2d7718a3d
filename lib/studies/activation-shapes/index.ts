/** Notebook 14's activation-shape study: settings, the one-hot modular data, tuning and one seed, the tables, and the registered Study. */
export {
  SHAPE_MODELS,
  SHAPE_TASKS,
  LEARNABLE_SHAPE_MODELS,
  PEER_MODELS,
  activationShapesSettings,
  checkActivationShapesSettings,
  shapeConfigs,
  type ShapeModel,
  type ShapeTask,
  type ShapeTaskSettings,
  type ShapeDigitsData,
  type ShapeModularData,
  type ShapeConfig,
  type ActivationShapesSettings,
} from "./settings";
export { oneHotPairs, modularOneHot } from "./one-hot-pairs";
export { activationShapesSeed, tuneActivationShapes, chooseActivationShapes, type ShapeRow, type ShapeTuneRow, type ShapeChosen, type ShapeTrack, type ShapeSeed } from "./run-seed";
export { SHAPE_REFERENCE, shapeTables, shapeTable, shapePaired, summarizeActivationShapes, type ShapeStats, type ShapePaired, type ShapeTables } from "./summarize";
export { activationShapesStudy, activationShapesVerdict } from "./study";
