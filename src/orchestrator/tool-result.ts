import { isAnvilError } from '../errors.js';

/**
 * Runs a tool's work. An error it raises on purpose (an AnvilError below 500: a limit, an unknown
 * phase, a path out of the workspace) becomes the tool's result, `{ error: { code, message } }`,
 * so the model can correct itself; anything else is a fault and ends the session.
 */
export async function asToolResult<T>(work: () => Promise<T>): Promise<T | { error: { code: string; message: string } }> {
  try {
    return await work();
  } catch (error) {
    if (isAnvilError(error) && error.statusCode < 500) return { error: { code: error.code, message: error.message } };
    throw error;
  }
}
