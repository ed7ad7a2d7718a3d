/** Notebook 14's activation-shape study: settings, the one-hot modular data, one seed, the tables, and the registered Study. */
export { SHAPE_MODELS, SHAPE_TASKS, activationShapesSettings, checkActivationShapesSettings, type ShapeModel, type ShapeTask, type ShapeTaskSettings, type ShapeDigitsData, type ShapeModularData, type ActivationShapesSettings } from "./settings";
export { oneHotPairs, modularOneHot } from "./one-hot-pairs";
export { activationShapesSeed, type ShapeRow, type ShapeTrack, type ShapeSeed } from "./run-seed";
export { shapeTables, shapeTable, summarizeActivationShapes, type ShapeStats, type ShapeTables } from "./summarize";
export { activationShapesStudy, activationShapesVerdict } from "./study";
