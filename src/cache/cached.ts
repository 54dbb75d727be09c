import { createCachedCall, type CachedOptions } from './cached-call.js';
import { cachedMethod } from './decorator.js';

type MethodOptions<This, A extends unknown[]> = Omit<CachedOptions<This, A>, 'key'> & Partial<Pick<CachedOptions<This, A>, 'key'>>;

/**
 * Wraps an async function with the cache: `cached(loadSummary, { store, key: 'costs', strategy: 'short' })`.
 * Called with options only, it is the method decorator: `@cached({ store: (self) => self.cache })`.
 * Both share createCachedCall, so a function and a method with the same options behave the same.
 */
export function cached<A extends unknown[], R>(fn: (...args: A) => Promise<R>, options: CachedOptions<unknown, A>): (...args: A) => Promise<R>;
export function cached<This, A extends unknown[], R>(
  options: MethodOptions<This, A>,
): ReturnType<typeof cachedMethod<This, A, R>>;
export function cached<This, A extends unknown[], R>(
  fnOrOptions: ((...args: A) => Promise<R>) | MethodOptions<This, A>,
  options?: CachedOptions<unknown, A>,
): unknown {
  if (typeof fnOrOptions !== 'function') return cachedMethod<This, A, R>(fnOrOptions);
  const fn = fnOrOptions;
  const call = createCachedCall<unknown, A, R>(options!);
  const wrapper = function (this: unknown, ...args: A): Promise<R> {
    return call(this, () => fn.apply(this, args), args);
  };
  // A named function reads well in stack traces.
  Object.defineProperty(wrapper, 'name', { value: `cached ${fn.name || 'function'}` });
  return wrapper;
}
