/**
 * A small SQL lexer in the spirit of libinjection: it does not parse, it classifies. A value is
 * lexed three times — as typed (a numeric context, `WHERE id = <value>`), and as if it followed an
 * opening `'` or `"` (a string context, `WHERE name = '<value>'`). In a string context the first
 * token is the string the value closes; what follows it is what an attacker injected.
 */
export type SqlTokenType =
  | 'string' // a quoted literal, closed
  | 'open' // a quoted literal the value leaves open (the application's own quote would close it)
  | 'number'
  | 'word' // keyword, identifier or function name, upper-cased
  | 'variable' // @name or @@name
  | 'operator'
  | 'open-paren'
  | 'close-paren'
  | 'comma'
  | 'semicolon'
  | 'comment';

export interface SqlToken {
  readonly type: SqlTokenType;
  /** Upper-cased for words; the literal's content for strings; the operator's spelling. */
  readonly text: string;
  readonly quote?: string;
  /** True for the first token of a string context: the literal the value closes. */
  readonly closesContext?: boolean;
}

const maxTokens = 512;
const twoCharOperators = new Set(['||', '&&', '<=', '>=', '<>', '!=', '==', ':=', '::', '->']);
const operatorChars = '=<>+-*/%&|^!~:';

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code > 127;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Reads a quoted literal starting after its opening quote; doubled quotes and backslashes escape. */
function readQuoted(value: string, start: number, quote: string): { content: string; end: number; closed: boolean } {
  let index = start;
  while (index < value.length) {
    const char = value[index];
    if (char === '\\' && quote !== '`') { index += 2; continue; }
    if (char === quote) {
      if (value[index + 1] === quote) { index += 2; continue; }
      return { content: value.slice(start, index), end: index + 1, closed: true };
    }
    index++;
  }
  return { content: value.slice(start), end: value.length, closed: false };
}

/**
 * Lexes `value` in the given context. Returns undefined when the value never leaves the context's
 * string (then nothing in it can be SQL).
 */
export function tokenizeSql(value: string, context: '' | "'" | '"'): SqlToken[] | undefined {
  const tokens: SqlToken[] = [];
  let index = 0;
  if (context) {
    const first = readQuoted(value, 0, context);
    if (!first.closed) return undefined;
    tokens.push({ type: 'string', text: first.content, quote: context, closesContext: true });
    index = first.end;
  }
  while (index < value.length && tokens.length < maxTokens) {
    const char = value[index]!;
    const code = value.charCodeAt(index);
    const next = value[index + 1];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v' || char === '\u00a0') { index++; continue; }
    // A line comment's text is kept: `'#` ends a login bypass, `7" #2 needle` is a product name.
    if ((char === '-' && next === '-') || char === '#') { tokens.push({ type: 'comment', text: value.slice(index, index + 64) }); break; }
    if (char === '/' && next === '*') {
      // MySQL runs `/*!50000 select */` as code: lex its body instead of skipping it.
      if (value[index + 2] === '!') { index += 3; while (isDigit(value.charCodeAt(index))) index++; continue; }
      const end = value.indexOf('*/', index + 2);
      tokens.push({ type: 'comment', text: '/*' });
      if (end < 0) break;
      index = end + 2;
      continue;
    }
    if (char === '*' && next === '/') { index += 2; continue; }
    if (char === "'" || char === '"' || char === '`') {
      const quoted = readQuoted(value, index + 1, char);
      if (char === '`') tokens.push({ type: 'word', text: quoted.content.toUpperCase() });
      else tokens.push({ type: quoted.closed ? 'string' : 'open', text: quoted.content, quote: char });
      index = quoted.end;
      continue;
    }
    if (char === '(') { tokens.push({ type: 'open-paren', text: '(' }); index++; continue; }
    if (char === ')') { tokens.push({ type: 'close-paren', text: ')' }); index++; continue; }
    if (char === ',') { tokens.push({ type: 'comma', text: ',' }); index++; continue; }
    if (char === ';') { tokens.push({ type: 'semicolon', text: ';' }); index++; continue; }
    if (char === '@') {
      let end = index + 1;
      if (value[end] === '@') end++;
      const nameStart = end;
      while (end < value.length && (isWordChar(value.charCodeAt(end)) || value[end] === '.')) end++;
      tokens.push({ type: 'variable', text: value.slice(index, end).toUpperCase() });
      index = end > nameStart ? end : index + 1;
      continue;
    }
    if (isDigit(code) || (char === '.' && isDigit(value.charCodeAt(index + 1)))) {
      const match = /^(?:0x[0-9a-f]+|0b[01]+|\d*\.?\d+(?:e[+-]?\d+)?\.?(?:e)?)/i.exec(value.slice(index, index + 64));
      const length = match?.[0].length || 1;
      // `1234abc` is a word to SQL's lexer too; keep such runs together.
      if (isWordChar(value.charCodeAt(index + length)) && !/^0x/i.test(match?.[0] ?? '')) {
        let end = index + length;
        while (end < value.length && isWordChar(value.charCodeAt(end))) end++;
        tokens.push({ type: 'word', text: value.slice(index, end).toUpperCase() });
        index = end;
      } else {
        tokens.push({ type: 'number', text: value.slice(index, index + length) });
        index += length;
      }
      continue;
    }
    if (isWordChar(code)) {
      let end = index + 1;
      while (end < value.length && (isWordChar(value.charCodeAt(end)) || (value[end] === '.' && isWordChar(value.charCodeAt(end + 1))))) end++;
      tokens.push({ type: 'word', text: value.slice(index, end).toUpperCase() });
      index = end;
      continue;
    }
    if (operatorChars.includes(char)) {
      const pair = char + (next ?? '');
      const text = pair === '<=' && value[index + 2] === '>' ? '<=>' : twoCharOperators.has(pair) ? pair : char;
      tokens.push({ type: 'operator', text });
      index += text.length;
      continue;
    }
    index++;
  }
  return tokens;
}
