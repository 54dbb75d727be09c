import { useEffect, useRef, useState } from 'react';
import { ApiProvider } from './api/context.js';
import type { ApiClient } from './api/client.js';
import { CostsPage } from './pages/costs-page.js';
import { MemoriesPage } from './pages/memories-page.js';
import { RunPage } from './pages/run-page.js';
import { RunsPage } from './pages/runs-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { SystemPage } from './pages/system-page.js';
import { TaskPage } from './pages/task-page.js';
import { WorkflowsPage } from './pages/workflows-page.js';
import { Link, matchPath, useLocation } from './router.js';
import { applyTheme, storedTheme, type Theme } from './theme.js';

const navigation = [
  { to: '/', label: 'Runs', active: (path: string) => path === '/' || path.startsWith('/runs') || path.startsWith('/tasks') },
  { to: '/workflows', label: 'Workflows' },
  { to: '/costs', label: 'Costs' },
  { to: '/memories', label: 'Memories' },
  { to: '/system', label: 'System' },
  { to: '/settings', label: 'Settings' },
];

function Page({ path }: { path: string }) {
  let params: Record<string, string> | undefined;
  if (path === '/' || path === '/runs') return <RunsPage />;
  if ((params = matchPath('/runs/:id', path))) return <RunPage key={params.id} runId={params.id!} />;
  if ((params = matchPath('/tasks/:id', path))) return <TaskPage key={params.id} taskId={params.id!} />;
  if (path === '/workflows') return <WorkflowsPage />;
  if (path === '/costs') return <CostsPage />;
  if (path === '/memories') return <MemoriesPage />;
  if (path === '/system') return <SystemPage />;
  if (path === '/settings') return <SettingsPage />;
  return (
    <div className="page">
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. <Link to="/">Go to the runs.</Link>
      </p>
    </div>
  );
}

export function App({ client }: { client?: ApiClient }) {
  const location = useLocation();
  const path = location.split('?')[0] ?? '/';
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => applyTheme(theme), [theme]);
  // After navigating, move focus to the new page so keyboard and screen-reader users start there.
  useEffect(() => {
    if (firstRender.current) firstRender.current = false;
    else main.current?.focus();
  }, [path]);

  return (
    <ApiProvider client={client}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          Anvil
        </Link>
        <nav aria-label="Main">
          <ul>
            {navigation.map((item) => {
              const active = item.active ? item.active(path) : path.startsWith(item.to);
              return (
                <li key={item.to}>
                  <Link to={item.to} aria-current={active ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <label className="theme-choice">
          Theme
          <select value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
            <option value="system">system</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page path={path} />
      </main>
    </ApiProvider>
  );
}
