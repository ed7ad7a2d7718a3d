/** Notebook 03's regularization study: settings, data, one configuration's training, the tables, the Study. */
export { REGULARIZATION_METHODS, regularizationSettings, checkRegularizationSettings, regularizationConfigs, type RegularizationMethod, type RegularizationSettings, type RegularizationConfig } from "./settings";
export { regularizationData, type RegularizationData } from "./data";
export { trainRegularizationConfig, type RegularizationRow } from "./train-config";
export { regularizationGrid, chooseRegularization, pairedToAntitraining, regularizationTables, type RegularizationCell, type RegularizationChoice, type RegularizationPaired, type RegularizationTables } from "./summarize";
export { regularizationStudy } from "./study";
