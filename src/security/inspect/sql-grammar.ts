/**
 * Predicates over SQL token streams, shared by the SQL injection rules: what counts as a boolean
 * connective, a comparison, an operand. They read tokens only; no regular expression over text.
 */
import type { SqlToken } from './sql-tokenizer.js';

const logicWords = new Set(['OR', 'AND', 'XOR', 'HAVING', 'WHERE', 'WHEN']);
const comparisonWords = new Set(['LIKE', 'RLIKE', 'REGEXP', 'IS', 'SOUNDS', 'GLOB', 'ILIKE']);
const comparisonOperators = new Set(['=', '==', '<', '>', '<=', '>=', '<>', '!=', '<=>']);
export const booleanLiterals = new Set(['TRUE', 'FALSE', 'NULL']);

export function isLogic(token: SqlToken | undefined): boolean {
  if (!token) return false;
  if (token.type === 'word') return logicWords.has(token.text);
  return token.type === 'operator' && (token.text === '||' || token.text === '&&');
}

export function isComparison(token: SqlToken | undefined): boolean {
  if (!token) return false;
  if (token.type === 'word') return comparisonWords.has(token.text);
  return token.type === 'operator' && comparisonOperators.has(token.text);
}

export function isWord(token: SqlToken | undefined, ...words: string[]): boolean {
  return token?.type === 'word' && words.includes(token.text);
}

export function isEnd(token: SqlToken | undefined): boolean {
  return !token || token.type === 'comment' || token.type === 'semicolon';
}

export type OperandKind = 'literal' | 'word' | 'call' | 'open' | 'variable';

export interface Operand {
  readonly kind: OperandKind;
  readonly text: string;
  /** Index of the first token after the operand (and its closing parentheses). */
  readonly next: number;
}

/** Skips balanced parentheses starting at an open paren; returns the index after the match. */
function skipParens(tokens: readonly SqlToken[], start: number): number {
  let depth = 0;
  for (let index = start; index < tokens.length; index++) {
    const type = tokens[index]!.type;
    if (type === 'open-paren') depth++;
    else if (type === 'close-paren' && --depth === 0) return index + 1;
  }
  return tokens.length;
}

/** Reads one operand (a literal, a name, a function call), allowing wrapping parentheses. */
export function readOperand(tokens: readonly SqlToken[], start: number): Operand | undefined {
  let index = start;
  let opened = 0;
  while (tokens[index]?.type === 'open-paren') { index++; opened++; }
  const token = tokens[index];
  if (!token) return undefined;
  let operand: Operand;
  if (token.type === 'number' || token.type === 'string') operand = { kind: 'literal', text: token.text, next: index + 1 };
  else if (token.type === 'open') operand = { kind: 'open', text: token.text, next: index + 1 };
  else if (token.type === 'variable') operand = { kind: 'variable', text: token.text, next: index + 1 };
  else if (token.type === 'word' && tokens[index + 1]?.type === 'open-paren') {
    operand = { kind: 'call', text: token.text, next: skipParens(tokens, index + 1) };
  } else if (token.type === 'word') operand = { kind: booleanLiterals.has(token.text) ? 'literal' : 'word', text: token.text, next: index + 1 };
  else return undefined;
  let next = operand.next;
  while (opened > 0 && tokens[next]?.type === 'close-paren') { next++; opened--; }
  return { ...operand, next };
}

/**
 * A comparison whose truth does not depend on any row: `1=1`, `'a'='a'`, `x=x`, `5650=CONVERT(…)`,
 * `uid LIKE '%'`. Real filters compare a column with a value; injections compare constants.
 */
export function isConstantComparison(left: Operand, operator: SqlToken, right: Operand): boolean {
  const leftConstant = left.kind === 'literal' || left.kind === 'open';
  const rightConstant = right.kind === 'literal' || right.kind === 'open';
  if (leftConstant && rightConstant) return true;
  if ((leftConstant && right.kind === 'call') || (left.kind === 'call' && rightConstant)) return true;
  if (left.kind === 'word' && right.kind === 'word' && left.text === right.text) return true;
  if (isWord(operator, 'LIKE') && rightConstant && right.text.includes('%')) return true;
  return false;
}

/** Reads `operand comparison operand` at `start`, if present. */
export function readComparison(tokens: readonly SqlToken[], start: number): { left: Operand; operator: SqlToken; right: Operand } | undefined {
  const left = readOperand(tokens, start);
  if (!left) return undefined;
  let operatorIndex = left.next;
  if (isWord(tokens[operatorIndex], 'NOT')) operatorIndex++;
  const operator = tokens[operatorIndex];
  if (!operator || !isComparison(operator)) return undefined;
  const right = readOperand(tokens, operatorIndex + 1);
  return right ? { left, operator, right } : undefined;
}
