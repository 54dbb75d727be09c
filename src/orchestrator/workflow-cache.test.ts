import { describe, expect, it } from 'vitest';
import type { Queryable } from '../store/database.js';
import { createWorkflowCache } from './workflow-cache.js';
import type { StoredWorkflow } from './workflows.js';

const db = {} as Queryable;
const stored = (id: string): StoredWorkflow => ({ id, name: 'w', version: 1, definition: {} as StoredWorkflow['definition'], created_at: new Date(0) });

describe('the workflow cache', () => {
  it('reads a workflow version once and answers later look-ups from memory', async () => {
    const loaded: string[] = [];
    const lookup = createWorkflowCache({ load: async (_db, id) => (loaded.push(id), stored(id)) });
    expect((await lookup(db, 'a')).id).toBe('a');
    expect((await lookup(db, 'a')).id).toBe('a');
    expect(loaded).toEqual(['a']);
  });

  it('does not cache a look-up by name, whose answer changes when a new version is registered', async () => {
    const loaded: string[] = [];
    const lookup = createWorkflowCache({ load: async (_db, name) => (loaded.push(name), stored('uuid-of-latest')) });
    await lookup(db, 'quickstart');
    await lookup(db, 'quickstart');
    expect(loaded).toEqual(['quickstart', 'quickstart']);
  });

  it('forgets the least recently used version beyond its bound', async () => {
    const loaded: string[] = [];
    const lookup = createWorkflowCache({ max: 2, load: async (_db, id) => (loaded.push(id), stored(id)) });
    await lookup(db, 'a');
    await lookup(db, 'b');
    await lookup(db, 'a'); // a is now the most recently used
    await lookup(db, 'c'); // evicts b
    await lookup(db, 'a');
    await lookup(db, 'b');
    expect(loaded).toEqual(['a', 'b', 'c', 'b']);
  });
});
