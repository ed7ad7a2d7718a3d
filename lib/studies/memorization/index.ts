/** Notebook 08's study: generalizing vs memorizing units, and antitraining with a held-out core (see study.ts). */
export { memorizationStudy, memorizationVerdict, statisticFlips, MEMORIZATION_COMPARED } from "./study";
export { memorizationSettings, checkMemorizationSettings, configLabel, MEMORIZATION_ARMS, MEMORIZATION_REFERENCE, MEMORIZATION_RANKINGS, type MemorizationSettings, type MemorizationArm, type MemorizationRanking, type MemorizationArmConfig, type MemorizationAntitrainConfig } from "./settings";
export { runMemorizationSeed, tuneMemorization, chooseMemorization, memorizationData, noisySplit, type MemorizationSeed, type MemorizationChosen, type MemorizationTuneRow, type MemorizationData, type NoisySplit, type Outcome } from "./run-seed";
export { analyseUnits, type UnitAnalysis, type RankingAblation, type AnalysisData } from "./analyse-units";
export { exampleTiedMasks, exampleTiedTrainHooks, exampleTiedTestHooks, trainingMaskRow, testMask, IndexedBatchStream, type ExampleTiedMasks } from "./example-tied";
export { unitGradientNorms, shares, memorizingOrder } from "./gradient-scores";
export { memorizationOutcomeRows, memorizationPairedRows, memorizationRankingSummaries, memorizationDetails, memorizationTuningRows, outcomeOf, ciText, type OutcomeRow, type PairedRow, type TuningRow, type RankingSummaries, type MemorizationDetails, type ExampleTiedCheck } from "./tables";
