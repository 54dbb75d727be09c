import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Loads one thing for a page and says where it is: loading, failed (with the error), or ready.
 * `reload` reads it again without blanking what is shown (a button press, an event).
 */
export type Resource<T> =
  | { state: 'loading'; data: undefined; error: undefined; reload: () => void }
  | { state: 'error'; data: T | undefined; error: unknown; reload: () => void }
  | { state: 'ready'; data: T; error: undefined; reload: () => void };

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, dependencies: unknown[]): Resource<T> {
  const [result, setResult] = useState<{ state: 'loading' | 'error' | 'ready'; data?: T; error?: unknown }>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const previousDependencies = useRef<unknown[]>(dependencies);

  useEffect(() => {
    const controller = new AbortController();
    const changed = dependencies.some((value, index) => !Object.is(value, previousDependencies.current[index]));
    previousDependencies.current = dependencies;
    if (changed) setResult({ state: 'loading' });
    loadRef.current(controller.signal).then(
      (data) => !controller.signal.aborted && setResult({ state: 'ready', data }),
      (error: unknown) => !controller.signal.aborted && setResult((previous) => ({ state: 'error', data: previous.data, error })),
    );
    return () => controller.abort();
  }, [...dependencies, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...result, reload } as Resource<T>;
}
