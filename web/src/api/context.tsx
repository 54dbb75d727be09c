import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from './client.js';

/**
 * The API client and the user's API key for every page. The key lives in localStorage so a
 * reload keeps it; it is sent as a header, never put in a URL.
 */
const storageKey = 'anvil.apiKey';

interface ApiContextValue {
  client: ApiClient;
  apiKey: string;
  setApiKey: (key: string) => void;
}

const ApiContext = createContext<ApiContextValue | undefined>(undefined);

function storedKey(): string {
  try {
    return window.localStorage.getItem(storageKey) ?? '';
  } catch {
    return '';
  }
}

export function ApiProvider({ children, client: given }: { children: ReactNode; client?: ApiClient }) {
  const [apiKey, setKeyState] = useState(storedKey);
  const value = useMemo<ApiContextValue>(() => {
    const client = given ?? createApiClient({ apiKey: () => storedKey() || undefined });
    return {
      client,
      apiKey,
      setApiKey: (key) => {
        try {
          if (key) window.localStorage.setItem(storageKey, key);
          else window.localStorage.removeItem(storageKey);
        } catch {
          // Storage may be disabled; the key then lasts for this page only.
        }
        setKeyState(key);
      },
    };
  }, [apiKey, given]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside ApiProvider');
  return value;
}
