const fillerWords = new Set(['a', 'an', 'the', 'of', 'for', 'to', 'and', 'in', 'on']);

/**
 * The key that makes two discovered tasks "the same" within a run and phase: the title,
 * Unicode-normalised, lower-cased, punctuation and filler words dropped, whitespace collapsed.
 * "Verify the Parser!" and "verify parser" collide; "verify the lexer" does not.
 */
export function dedupeKey(title: string): string {
  const words = title
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word && !fillerWords.has(word));
  return words.join(' ').slice(0, 200) || title.trim().toLowerCase().slice(0, 200);
}
