export { loadConfig, parseConfig, testConfig, type LoadConfigOptions } from './load.js';
export { configSchema, type Config, type ConfigInput } from './schema.js';
export { envBindings } from './env.js';
