/** Argument schemas shared by the MCP tools: closed objects, so an unknown argument is an error naming it. */
import { z } from 'zod';

export const taskId = z.uuid({ error: 'expected a task id (a UUID)' }).describe('task id');
export const attempt = z.number().int().min(1).describe('the attempt claim_task returned: proves you still hold this claim');
export const phaseKey = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'expected a phase key (lowercase letters, digits, _ or -)' }).describe('phase key');
export const summary = z.string().min(1).max(20_000);

/** A held claim named by an optional tool argument pair: both or neither. */
export const optionalHeld = {
  task_id: taskId.optional().describe('a task you hold, that this belongs to'),
  attempt: attempt.optional(),
};

export function bothOrNeither(input: { task_id?: string; attempt?: number }): boolean {
  return (input.task_id === undefined) === (input.attempt === undefined);
}
export const bothOrNeitherMessage = { error: 'task_id and attempt: give both (a task you hold) or neither', path: ['attempt'] };
