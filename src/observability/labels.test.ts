import { describe, expect, it } from 'vitest';
import { createLabelPolicy } from './labels.js';

const policy = createLabelPolicy({
  providers: ['simulated', 'openai', 'anthropic', 'openai-compatible'],
  models: ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-5', 'simulated/*'],
  kinds: ['chat', 'agent-step'],
  ruleFamilies: ['sql-injection', 'xss'],
});

describe('bounded label values', () => {
  it('keeps a known model and folds its dated snapshots into it', () => {
    expect(policy.model('openai/gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(policy.model('openai/gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(policy.model('anthropic/claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(policy.model('openai/gpt-4o-latest')).toBe('gpt-4o');
  });

  it('turns any model outside the known list into other, however it was typed', () => {
    expect(policy.model('openai/my-finetune-1234')).toBe('other');
    expect(policy.model('openai-compatible/llama3:70b')).toBe('other');
    expect(policy.model('not a model name')).toBe('other');
    expect(policy.model('')).toBe('other');
    // A prefix of a known name is not that name.
    expect(policy.model('openai/gpt-4')).toBe('other');
  });

  it('labels every model of a wildcard provider with the provider alone', () => {
    expect(policy.model('simulated/agent')).toBe('simulated');
    expect(policy.model('simulated/whatever-a-workflow-says')).toBe('simulated');
  });

  it('bounds providers, kinds, HTTP methods and inspector rules', () => {
    expect(policy.provider('openai')).toBe('openai');
    expect(policy.provider('evil"provider')).toBe('other');
    expect(policy.kind('agent-step')).toBe('agent_step');
    expect(policy.kind('agent_step')).toBe('agent_step');
    expect(policy.kind('anything-else')).toBe('other');
    expect(policy.method('GET')).toBe('GET');
    expect(policy.method('PROPFIND')).toBe('other');
    expect(policy.rule('sql-injection.union_select')).toBe('sql-injection.union_select');
    expect(policy.rule('unknown-family.rule')).toBe('other');
    expect(policy.rule('xss.<script>')).toBe('other');
  });
});
