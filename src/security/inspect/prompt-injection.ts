/**
 * Prompt injection, for prompts and free text. These fields may quote SQL, shell and HTML, so they
 * are never rejected; a finding here is a flag that is recorded (and shown to the guardian), not
 * a block. The rules look for instructions aimed at the model rather than at the task: overriding
 * earlier instructions, asking for the system prompt, role and delimiter spoofing, jailbreak
 * personas. "Ignore the previous sort order" is a task; "ignore all previous instructions" is not.
 */
import type { Detector } from './types.js';
import type { ValueViews } from './normalise.js';

export const promptRules: ReadonlyArray<readonly [string, RegExp]> = [
  ['prompt.override-instructions', /\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|preceding|all|any|your|the system)\b[^.\n]{0,30}\b(?:instructions?|prompts?|rules|directions|guidelines|guardrails|constraints|messages?)\b/],
  ['prompt.reveal-system-prompt', /\b(?:reveal|print|show|repeat|output|leak|display|tell me)\b[^.\n]{0,40}\b(?:system|hidden|initial|original|developer)\s+(?:prompt|instructions?|message)\b/],
  ['prompt.role-spoofing', /<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|^\s*#{2,}\s*(?:system|assistant)\s*:?\s*$|\[\/?(?:inst|sys)\]|<<\/?sys>>|^\s*(?:system|assistant)\s*:\s/m],
  ['prompt.jailbreak-persona', /\b(?:you are now|from now on you are|act as|pretend to be|roleplay as)\b[^.\n]{0,40}\b(?:dan|unfiltered|jailbroken|unrestricted|without (?:any )?(?:rules|restrictions|limits))\b|\bdeveloper mode\b|\bdo anything now\b/],
  ['prompt.exfiltration', /\b(?:send|post|upload|exfiltrate|forward)\b[^.\n]{0,60}\b(?:api[_ ]?keys?|secrets?|credentials|tokens?|passwords?|env(?:ironment)? variables)\b[^.\n]{0,40}\b(?:to|at)\s+(?:https?:\/\/|\S+@\S+)/],
];

/**
 * Every rule above needs one of these words or marks (the first word of its opening group, or a
 * delimiter): one pass that finds none of them proves no rule can match, and costs about what one
 * of the rules costs. Keep it in step with the rules; the differential test in
 * prompt-injection.test.ts fails when a rule matches text this screen would have skipped.
 */
export const promptTriggers = /i(?:gnore|nstruction)|d(?:isregard|eveloper mode|o anything now)|f(?:orget|rom now on you are)|override|bypass|s(?:kip|ystem)|p(?:rompt|retend to be)|message|a(?:ssistant|ct as)|you are now|roleplay as|<[|<]|\[|:\/\/|@/;

export const detectPromptInjection: Detector = (views: ValueViews) => {
  const text = views.lower;
  if (!promptTriggers.test(text)) return undefined;
  for (const [rule, pattern] of promptRules) if (pattern.test(text)) return rule;
  return undefined;
};
