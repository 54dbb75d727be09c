import type { ReactNode } from 'react';
import { ApiError, isRouteMissing } from '../api/client.js';
import type { Resource } from '../hooks/use-resource.js';

/** The loading, empty and error states every page shows the same way. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function NotAvailable({ what }: { what: string }) {
  return (
    <div className="state state-unavailable" role="note">
      <strong>{what} is not available on this server.</strong> This server's API does not offer it yet.
    </div>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 403) return `${error.message} — set an API key with the right scopes in Settings.`;
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Renders a resource: loading, error (or "not available" for a missing route), then the content. */
export function Loaded<T>({ resource, what, children }: { resource: Resource<T>; what: string; children: (data: T) => ReactNode }) {
  if (resource.state === 'loading') return <Loading label={`Loading ${what}…`} />;
  if (resource.state === 'error') {
    if (isRouteMissing(resource.error)) return <NotAvailable what={what.charAt(0).toUpperCase() + what.slice(1)} />;
    return (
      <>
        <ErrorState error={resource.error} onRetry={resource.reload} />
        {resource.data !== undefined && children(resource.data)}
      </>
    );
  }
  return <>{children(resource.data)}</>;
}
