import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeServer, json } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';
import { contentTypeOf } from './workflow-editor.js';

describe('workflow validation and upload', () => {
  it('sends YAML as YAML and marks each problem beside its line', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/workflows', { workflows: [] });
    server.on('POST /api/v1/workflows/validate', { valid: false, problems: [{ path: 'phases[0].max_concurrency', message: 'expected a positive integer', line: 3 }] });
    renderApp('/workflows', server);
    expect(await screen.findByText(/No workflows yet/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Definition'), { target: { value: 'name: x\nphases:\n  - max_concurrency: 0\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Validate' }));
    expect(await screen.findByText('1 problem(s)')).toBeTruthy();
    const request = server.requests.find((candidate) => candidate.method === 'POST')!;
    expect(request.headers['content-type']).toBe('application/yaml');
    const marked = document.querySelector('.annotated-source li.has-problem')!;
    expect(marked.textContent).toContain('max_concurrency: 0');
    expect(marked.textContent).toContain('expected a positive integer');
  });

  it('shows the problems of a rejected upload in place', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/workflows', { workflows: [] });
    server.on('POST /api/v1/workflows', () => json({ error: { code: 'WORKFLOW_INVALID', message: 'invalid', details: { problems: [{ path: 'name', message: 'expected a lowercase key', line: 1 }] } } }, 400));
    renderApp('/workflows', server);
    fireEvent.change(await screen.findByLabelText('Definition'), { target: { value: '{"name": "Bad Name"}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await vi.waitFor(() => expect(screen.getByText(/expected a lowercase key/, { selector: 'li' })).toBeTruthy(), { timeout: 5_000 });
    expect(server.requests.find((candidate) => candidate.method === 'POST')!.headers['content-type']).toBe('application/json');
  });

  it('tells JSON from YAML by the file name or the first character', () => {
    expect([contentTypeOf('a: 1'), contentTypeOf('  {"a":1}'), contentTypeOf('a: 1', 'x.json')]).toEqual(['application/yaml', 'application/json', 'application/json']);
  });
});
