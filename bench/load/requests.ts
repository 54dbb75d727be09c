/**
 * The mixed workload's requests, shared by both load generators (autocannon-child.ts at full
 * speed, paced-clients.ts with think times): readers alternate the run list and one run, writers
 * start runs of the one-task workflow, each with a unique goal.
 */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export function loadRequests(kind: 'read' | 'write', runIds: string[]): () => LoadRequest {
  const prefix = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  return () => {
    counter += 1;
    if (kind === 'write') {
      return { method: 'POST', path: '/api/v1/runs', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'load-one-task', goal: `load ${prefix}-${counter}` }) };
    }
    return counter % 2 === 0 ? { method: 'GET', path: '/api/v1/runs?limit=20' } : { method: 'GET', path: `/api/v1/runs/${runIds[counter % runIds.length]}` };
  };
}
