import { cleanup, configure, render } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { App } from '../app.js';
import { navigate } from '../router.js';
import { createFakeServer, type FakeServer } from './fake-server.js';

// A shared, busy machine can take more than the default second to render a page.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

/** Renders the whole app at `path` against a fake server (global fetch is the fake's). */
export function renderApp(path: string, server: FakeServer = createFakeServer()) {
  vi.stubGlobal('fetch', server.fetch);
  navigate(path, { replace: true });
  return { server, ...render(<App />) };
}
