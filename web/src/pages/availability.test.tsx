import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeServer, json } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';

describe('pages whose routes a server may not offer', () => {
  it('says cost analytics is not available when the route is missing', async () => {
    renderApp('/costs');
    expect((await screen.findByRole('note')).textContent).toContain('Cost analytics is not available on this server');
  });

  it('draws spend by model and kind over time, hit rate and savings from the report and its series', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/costs', { totals: { cost_usd: 1.5, saved_usd: 0.5, calls: 10, cache_hits: 4, cache_hit_rate: 0.4, calls_avoided: 4 }, by_day: [] });
    server.on('GET /api/v1/costs/series', {
      bucket: 'day',
      rows: [
        { period: '2026-01-01T00:00Z', model: 'openai/gpt-4o-mini', kind: 'planning', cost_usd: 1, saved_usd: 0.25, calls: 6, cache_hits: 2 },
        { period: '2026-01-02T00:00Z', model: 'anthropic/claude', kind: 'code', cost_usd: 0.5, saved_usd: 0.25, calls: 4, cache_hits: 2 },
      ],
    });
    renderApp('/costs', server);
    expect(await screen.findByText('40%')).toBeTruthy();
    expect(screen.getByText('$1.50')).toBeTruthy();
    expect(screen.getByRole('img', { name: /Spend by model: 2 periods/ })).toBeTruthy();
    expect(screen.getAllByText('openai/gpt-4o-mini').length).toBeGreaterThan(0);
    expect(screen.getAllByText('2026-01-02').length).toBeGreaterThan(0);
    expect(server.requests.find((request) => request.url.startsWith('/api/v1/costs/series'))!.url).toContain('bucket=day');
  });

  it('falls back to spend per day when the server has the report but not the series', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/costs', { totals: { cost_usd: 2, saved_usd: 0, calls: 3, cache_hit_rate: 0, calls_avoided: 0 }, by_day: [{ day: '2026-01-05', cost_usd: 2, calls: 3 }] });
    renderApp('/costs', server);
    expect(await screen.findByRole('img', { name: /Spend by model: 1 periods/ })).toBeTruthy();
    expect(screen.getAllByText('all models').length).toBeGreaterThan(0);
  });

  it('keeps the API key in this browser and sends it; key management reports itself unavailable', async () => {
    const { server } = renderApp('/settings');
    expect((await screen.findAllByRole('note'))[0]!.textContent).toContain('API key management is not available');
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'ak_test_123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(server.requests.some((request) => request.url === '/api/v1/keys' && request.headers['x-api-key'] === 'ak_test_123')).toBe(true), { timeout: 5_000 });
    expect(window.localStorage.getItem('anvil.apiKey')).toBe('ak_test_123');
  });

  it('shows a failure with a way to try again', async () => {
    const server = createFakeServer();
    let calls = 0;
    server.on('GET /api/v1/memories', () => (++calls === 1 ? json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500) : json({ memories: [], search: null })));
    renderApp('/memories', server);
    expect((await screen.findByRole('alert')).textContent).toContain('internal error');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(/No memories match/)).toBeTruthy();
  });

  it('shows health, cache state and queue depth on the system page', async () => {
    const server = createFakeServer();
    server.on('GET /readyz', { status: 'ready', database: 'ok', cache: 'degraded' });
    server.on('GET /api/v1/system/status', {
      queue: { queued: 4, running: 2, blocked: 1, waiting_human: 0 },
      runs: {},
      workers: [],
      this_process: { worker: null },
      database: { kind: 'pglite', pool: null },
      cache: 'degraded',
      model: { default: 'simulated/agent', simulated: true },
    });
    renderApp('/system', server);
    expect(await screen.findByText(/in-memory fallback/)).toBeTruthy();
    expect(screen.getByText('queued').nextSibling?.textContent).toBe('4');
  });

  it('switches between light and dark themes and remembers the choice', async () => {
    renderApp('/settings');
    fireEvent.change(screen.getByLabelText('Theme'), { target: { value: 'dark' } });
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(window.localStorage.getItem('anvil.theme')).toBe('dark');
    fireEvent.change(screen.getByLabelText('Theme'), { target: { value: 'system' } });
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
  });
});
