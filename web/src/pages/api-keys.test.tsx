import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeServer } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';

const key = { id: 'k1', name: 'ci', prefix: 'ak_ci12', scopes: ['runs:read'], rate_limit_per_minute: null, daily_budget_usd: 5, created_at: '2026-01-01T00:00:00Z', last_used_at: null, revoked_at: null };

describe('API keys in settings', () => {
  it('lists keys with scopes and daily budgets, creates one and shows its secret once, and revokes', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/keys', { keys: [key] });
    server.on('POST /api/v1/keys', () => new Response(JSON.stringify({ ...key, id: 'k2', name: 'deploy', key: 'ak_secret_value' }), { status: 201 }));
    server.on('DELETE /api/v1/keys/k1', { ...key, revoked_at: '2026-01-02T00:00:00Z' });
    vi.stubGlobal('confirm', () => true);
    renderApp('/settings', server);
    expect(await screen.findByText('ak_ci12')).toBeTruthy();
    expect(screen.getByText('$5.00')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'deploy' } });
    fireEvent.click(screen.getByLabelText('runs:write'));
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText('ak_secret_value')).toBeTruthy();
    expect(server.requests.find((request) => request.method === 'POST')!.body).toEqual({ name: 'deploy', scopes: ['runs:read', 'runs:write'] });

    fireEvent.click(screen.getByRole('button', { name: 'Revoke ci' }));
    await vi.waitFor(() => expect(server.requests.some((request) => request.method === 'DELETE' && request.url === '/api/v1/keys/k1')).toBe(true), { timeout: 5_000 });
  });
});
