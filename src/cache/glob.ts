/**
 * Redis glob syntax as a RegExp, so the memory store deletes exactly what SCAN MATCH would:
 * `*` any run, `?` one character, `[abc]`, `[^a]`, `[a-z]`, and `\` escaping the next character.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const character = glob[index]!;
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else if (character === '\\' && index + 1 < glob.length) source += escapeRegExp(glob[++index]!);
    else if (character === '[') {
      const close = glob.indexOf(']', index + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let body = glob.slice(index + 1, close);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      index = close;
    } else source += escapeRegExp(character);
  }
  return new RegExp(`^${source}$`, 's');
}

/** Escapes glob metacharacters so a literal (such as the key prefix) can lead a MATCH pattern. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
