export { createSimulatedModel, simulatedProviderId, type SimulatedModelOptions } from './simulated.js';
export {
  createModelResolver,
  defaultModelName,
  parseModelName,
  providerNames,
  resolveModel,
  type LlmConfig,
  type ModelResolver,
  type ProviderName,
  type ResolvedModel,
} from './resolve.js';
