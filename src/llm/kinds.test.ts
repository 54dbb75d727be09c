import { describe, expect, it } from 'vitest';
import { classifyPrompt } from './kinds.js';

const user = (text: string, system?: string) => ({
  prompt: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content: [{ type: 'text' as const, text }] }],
});

describe('prompt kinds', () => {
  it('calls a request that offers tools an agent step', () => {
    expect(classifyPrompt({ ...user('Summarize this'), tools: [{ type: 'function', name: 'x', inputSchema: {} }] })).toBe('agent-step');
  });
  it('calls a JSON response format extraction', () => {
    expect(classifyPrompt({ ...user('Tell me a story'), responseFormat: { type: 'json' } })).toBe('extraction');
  });
  it.each([
    ['Extract the dates from this email', 'extraction'],
    ['Classify the sentiment of this review', 'classification'],
    ['Summarise the meeting notes', 'summarisation'],
    ['Refactor this module for clarity', 'code'],
    ['Plan the migration to the new database', 'planning'],
    ['How are you today?', 'chat'],
  ])('reads "%s" as %s', (text, kind) => {
    expect(classifyPrompt(user(text))).toBe(kind);
  });
  it('reads the last user message and the system prompt, not earlier turns', () => {
    const prompt = [
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Summarize the report' }] },
      { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'Done.' }] },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Thanks, how are you?' }] },
    ];
    expect(classifyPrompt({ prompt })).toBe('chat');
    expect(classifyPrompt(user('Go ahead', 'You classify support tickets by category label.'))).toBe('classification');
  });
});
