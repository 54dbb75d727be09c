export { registerMcpRoutes, type McpRouteOptions } from './server.js';
