export {
  agentToolNames,
  workspaceToolNames,
  phaseReview,
  workflowSchema,
  type AgentToolName,
  type PhaseDefinition,
  type ResultDefinition,
  type ReviewDefinition,
  type WorkflowDefinition,
  type WorkflowInput,
} from './definition.js';
export { formatPath, parseWorkflowText, readWorkflowFile, stableStringify, validateWorkflow, type ParsedWorkflow, type WorkflowProblem } from './parse.js';
export { renderTemplate, resolveParams, type ParamValue } from './template.js';
