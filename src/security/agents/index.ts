export { agentTokenPattern, agentWorkerId, generateAgentToken, parseAgentToken } from './token.js';
export { agentView, inviteAgent, listAgents, revokeAgent, type InviteAgentOptions, type RunAgentState, type RunAgentView } from './manage.js';
export { isAgentToken, verifyAgentToken, type AgentPrincipal, type AgentVerdict } from './verifier.js';
