/**
 * The simulated agent's small vocabulary. Follow-up titles are `<Phase verb> <subject>` from a
 * short list of subjects, so sibling tasks in a run often propose the same title: that is on
 * purpose, because the orchestrator's deduplication by normalised title must be exercised. The
 * short list also bounds a run: at most one task per (phase, subject) survives deduplication.
 */

export const followUpSubjects = [
  'the parser',
  'the scheduler',
  'the storage layer',
  'the API surface',
  'the error handling',
  'the test suite',
] as const;

const stopWords = new Set([
  'a', 'an', 'and', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'of', 'on', 'or',
  'the', 'this', 'that', 'to', 'with', 'we', 'our', 'all', 'add', 'make', 'use', 'get', 'do',
]);

/** Up to `limit` distinct lowercase content words from a title, in order. */
export function keyWords(title: string, limit = 5): string[] {
  const words: string[] = [];
  for (const word of title.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 2 || stopWords.has(word) || words.includes(word)) continue;
    words.push(word);
    if (words.length === limit) break;
  }
  return words;
}

/** `implement` → `Implement`, `code_review` → `Code review`. */
export function phaseVerb(phase: string): string {
  const spaced = phase.replace(/[-_]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function followUpTitle(phase: string, subject: string): string {
  return `${phaseVerb(phase)} ${subject}`;
}

/** The vocabulary subject a title is about, if any, so "Implement the parser" leads to "Verify the parser". */
export function subjectOf(title: string): number | undefined {
  const lower = title.toLowerCase();
  const index = followUpSubjects.findIndex((subject) => lower.includes(subject.toLowerCase()));
  return index === -1 ? undefined : index;
}
