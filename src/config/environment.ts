/**
 * The process environment, for the one other reader that needs it whole: the `env` secrets
 * backend, whose names are not known in advance. Everything else reads settings through Config.
 */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}
