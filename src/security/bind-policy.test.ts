import { describe, expect, it } from 'vitest';
import { checkBind, isLoopbackHost } from './bind-policy.js';

describe('bind policy', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('serves loopback without keys as the local admin, and says so', () => {
    const decision = checkBind({ host: '127.0.0.1', keysExist: false });
    expect(decision.localAdmin).toBe(true);
    expect(decision.message).toContain('loopback');
  });

  it('refuses any other address without keys with a configuration error (exit code 2)', () => {
    expect(() => checkBind({ host: '0.0.0.0', keysExist: false })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('anvil keys create') }));
    expect(checkBind({ host: '0.0.0.0', keysExist: true }).localAdmin).toBe(false);
  });
});
