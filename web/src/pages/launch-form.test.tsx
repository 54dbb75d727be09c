import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Workflow } from '../api/types.js';
import { runFixture } from '../test-support/fixtures.js';
import { createFakeServer } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';
import { paramsFrom } from './launch-form.js';

const workflow: Workflow = {
  id: 'wf-1',
  name: 'quickstart',
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  definition: {
    name: 'quickstart',
    version: 1,
    description: 'Analyse, implement, verify.',
    params: {
      component: { type: 'string', description: 'What the work is about.', required: false, default: 'the parser' },
      depth: { type: 'integer', description: '', required: true },
      strict: { type: 'boolean', description: '', required: false, default: false },
    },
    phases: [{ key: 'analyze', name: 'Analyze', description: '', instructions: '', done_definition: '', tools: [] }],
    budget: {},
  },
};

describe('launch form', () => {
  it('builds one typed field per workflow parameter, with defaults', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/runs', { runs: [], next_cursor: null });
    server.on('GET /api/v1/workflows', { workflows: [workflow] });
    renderApp('/', server);
    expect(((await screen.findByLabelText(/component/)) as HTMLInputElement).value).toBe('the parser');
    expect((screen.getByLabelText(/depth/) as HTMLInputElement).type).toBe('number');
    expect((screen.getByLabelText(/strict/) as HTMLInputElement).type).toBe('checkbox');
    expect(screen.getByText(/No runs yet/)).toBeTruthy();
  });

  it('refuses to send without the goal and required parameters, then sends typed values', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/runs', { runs: [], next_cursor: null });
    server.on('GET /api/v1/workflows', { workflows: [workflow] });
    server.on('POST /api/v1/runs', runFixture({ id: 'new-run' }));
    renderApp('/', server);
    fireEvent.click(await screen.findByRole('button', { name: 'Launch' }));
    expect(screen.getByText('Goal: required')).toBeTruthy();
    expect(screen.getByText('depth: required')).toBeTruthy();
    expect(server.requests.some((request) => request.method === 'POST')).toBe(false);

    fireEvent.change(screen.getByLabelText('Goal'), { target: { value: 'Ship it' } });
    fireEvent.change(screen.getByLabelText(/depth/), { target: { value: '3' } });
    fireEvent.click(screen.getByLabelText(/strict/));
    fireEvent.click(screen.getByRole('button', { name: 'Launch' }));
    await vi.waitFor(() => expect(window.location.pathname).toBe('/runs/new-run'), { timeout: 5_000 });
    expect(server.requests.find((request) => request.method === 'POST')!.body).toEqual({ workflow: 'quickstart', goal: 'Ship it', params: { component: 'the parser', depth: 3, strict: true } });
  });

  it('rejects a fraction for an integer parameter', () => {
    expect(paramsFrom(workflow.definition.params, { component: '', depth: '2.5', strict: false }).problems).toEqual({ depth: 'expected a whole number' });
  });
});
