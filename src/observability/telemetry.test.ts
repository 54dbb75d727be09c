import { describe, expect, it } from 'vitest';
import { createTelemetry } from './telemetry.js';

describe('the telemetry channel', () => {
  it('delivers an event to every listener of its name and to no other', () => {
    const telemetry = createTelemetry();
    const seen: string[] = [];
    telemetry.on('session.started', ({ phase }) => seen.push(`a:${phase}`));
    telemetry.on('session.started', ({ phase }) => seen.push(`b:${phase}`));
    telemetry.on('session.ended', ({ phase }) => seen.push(`ended:${phase}`));
    telemetry.emit('session.started', { phase: 'analyze' });
    expect(seen).toEqual(['a:analyze', 'b:analyze']);
  });

  it('stops delivering after unsubscribe and reports whether a name is observed', () => {
    const telemetry = createTelemetry();
    let count = 0;
    expect(telemetry.observed('db.query')).toBe(false);
    const unsubscribe = telemetry.on('db.query', () => count++);
    expect(telemetry.observed('db.query')).toBe(true);
    telemetry.emit('db.query', { durationMs: 1, failed: false });
    unsubscribe();
    telemetry.emit('db.query', { durationMs: 1, failed: false });
    expect(count).toBe(1);
    expect(telemetry.observed('db.query')).toBe(false);
  });

  it('keeps delivering to other listeners when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const telemetry = createTelemetry({ onListenerError: (error, name) => errors.push([name, (error as Error).message]) });
    let delivered = 0;
    telemetry.on('guardian.intervention', () => {
      throw new Error('listener broke');
    });
    telemetry.on('guardian.intervention', () => delivered++);
    expect(() => telemetry.emit('guardian.intervention', { action: 'stop' })).not.toThrow();
    expect(delivered).toBe(1);
    expect(errors).toEqual([['guardian.intervention', 'listener broke']]);
  });

  it('lets a listener unsubscribe itself while an event is being delivered', () => {
    const telemetry = createTelemetry();
    const seen: number[] = [];
    const unsubscribe = telemetry.on('agent.step', ({ index }) => {
      seen.push(index);
      unsubscribe();
    });
    telemetry.on('agent.step', ({ index }) => seen.push(index * 10));
    telemetry.emit('agent.step', { index: 1, toolCalls: 0, inputTokens: 0, outputTokens: 0, durationMs: 1 });
    telemetry.emit('agent.step', { index: 2, toolCalls: 0, inputTokens: 0, outputTokens: 0, durationMs: 1 });
    expect(seen).toEqual([1, 10, 20]);
  });
});
