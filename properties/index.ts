/**
 * `chainrep/properties`: fast-check suites, model-check configurations and conformance suites
 * users can run in their own CI, from jest or any runner.
 */
// conformance suites for your own implementations of the adapter interfaces
export * from './conformance-store';
export * from './conformance-transport';
export * from './conformance-config';
export * from './conformance-packet';
// named model-check configurations and the CRAQ cluster properties
export { CHECK_CONFIGS, MUTANT_CONFIGS } from './check-configs';
export { SYSTEM_CONFIGS, RECOVERY_MUTANT_CONFIGS, LEASE_MUTANT_CONFIGS } from './system-configs';
export type { NamedConfig } from './check-configs';
export { runScenario, scenarioConfig, valueBytes } from './craq';
export type { CraqScenario, PlannedClientOp, ScenarioOutcome } from './craq';
export { chainManagerModel, CHAIN_MANAGER_CONFIGS } from './chain-manager-model';
export type { ChainManagerModelOptions } from './chain-manager-model';
export { swimModel, modelConfig as swimModelConfig } from './swim-model';
export { chartStep, reducerStep, checkAllSequences, disagreement } from './swim-chart';
// linearizability checker properties
export {
  bruteForceLinearizable,
  witnessProblem,
  arbPlan,
  arbSequentialHistory,
  arbRandomHistory,
  arbSmallHistory,
  propSequentialIsOk,
  propNeverWrittenIsIllegal,
  propAgreesWithBruteForce,
  propMemoAgrees,
} from './lin';
// whole-cluster simulation arbitraries
export { faultArb, scheduleArb, simCommandsArb, simReal, emptyModel } from './sim';
