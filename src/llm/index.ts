export * from './providers/index.js';
export * from './pricing/index.js';
export * from './gateway/index.js';
export { classifyPrompt, isPromptKind, promptKinds, type PromptKind } from './kinds.js';
export { costReport, parseReportDate, type CostReport, type CostSummary } from './costs.js';
export * from './embeddings/index.js';
