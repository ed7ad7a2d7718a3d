/** Notebook 12's concept study: settings, one seed, the tables, and the registered Study. */
export { PARITY, conceptsSettings, checkConceptsSettings, type ConceptsSettings } from "./settings";
export { CONCEPT_CONDITIONS, conceptSeed, type ConceptCondition, type ConceptRow, type ConceptSeed } from "./run-seed";
export { CONCEPT_MEASUREMENTS, conceptRows, conceptTable, summarizeConcepts, type ConceptMeasurement, type ConceptTable } from "./summarize";
export { conceptsStudy, conceptsVerdict } from "./study";
