import { createCachedCall, type CachedOptions } from './cached-call.js';

type AsyncMethod<This, A extends unknown[], R> = (this: This, ...args: A) => Promise<R>;

/**
 * The method decorator (TypeScript standard decorators, no `experimentalDecorators`). The key
 * defaults to the method's name, with its arguments appended.
 *
 *   class Costs {
 *     constructor(readonly cache: CacheStore) {}
 *     @cached({ store: (self: Costs) => self.cache, key: 'costs:summary', strategy: 'short' })
 *     async summary(runId: string): Promise<Summary> { … }
 *   }
 */
export function cachedMethod<This, A extends unknown[], R>(options: Omit<CachedOptions<This, A>, 'key'> & Partial<Pick<CachedOptions<This, A>, 'key'>>) {
  return function decorate(method: AsyncMethod<This, A, R>, context: ClassMethodDecoratorContext<This, AsyncMethod<This, A, R>>): AsyncMethod<This, A, R> {
    const call = createCachedCall<This, A, R>({ ...options, key: options.key ?? String(context.name) });
    return function cachedMethodCall(this: This, ...args: A): Promise<R> {
      return call(this, () => method.apply(this, args), args);
    };
  };
}
