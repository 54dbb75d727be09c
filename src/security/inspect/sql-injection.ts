/**
 * SQL injection. Rules read the token stream (see sql-tokenizer.ts) in three contexts and look for
 * the shapes injections must take to work: a quote that closes the application's string and is
 * followed by SQL, a constant comparison after a boolean connective (tautology), UNION SELECT,
 * a second statement, a time-delay function, system catalogues. Words alone (`select`, `union`,
 * `drop`) are never enough: "Union Pacific" and "Drop Zone Ltd." are names, not attacks.
 */
import type { Detector } from './types.js';
import type { ValueViews } from './normalise.js';
import { tokenizeSql, type SqlToken } from './sql-tokenizer.js';
import { booleanLiterals, isConstantComparison, isEnd, isLogic, isWord, readComparison, readOperand } from './sql-grammar.js';

const delayFunctions = new Set(['SLEEP', 'PG_SLEEP', 'BENCHMARK', 'RANDOMBLOB', 'DBMS_LOCK.SLEEP', 'DBMS_PIPE.RECEIVE_MESSAGE', 'PG_SLEEP_FOR', 'GET_LOCK']);
const systemObject = /^(?:INFORMATION_SCHEMA|PG_SHADOW|PG_USER|PG_AUTHID|PG_CATALOG|SYSOBJECTS|SYSCOLUMNS|SYSUSERS|SYSLOGINS|MSYSOBJECTS|SQLITE_MASTER|SQLITE_SCHEMA|ALL_TABLES|ALL_TAB_COLUMNS|ALL_USERS|DBA_\w+|USER\$|V\$\w+|XP_\w+|UTL_HTTP|UTL_INADDR|UTL_FILE|UTL_SMTP|DBMS_\w+|LOAD_FILE|SYS_EVAL|SYS_EXEC|OUTFILE|DUMPFILE)$/;
const objectKinds = new Set(['TABLE', 'DATABASE', 'SCHEMA', 'FUNCTION', 'PROCEDURE', 'VIEW', 'INDEX', 'USER', 'TRIGGER', 'ROLE', 'LOGIN']);
const breakoutClauses = new Set(['ORDER', 'GROUP']);

function statementAt(tokens: readonly SqlToken[], index: number): boolean {
  const token = tokens[index]!;
  if (token.type !== 'word') return false;
  const next = tokens[index + 1];
  const after = tokens[index + 2];
  switch (token.text) {
    case 'SELECT': {
      if (next?.type === 'operator' && next.text === '*') return true;
      if (next?.type === 'variable' && next.text.startsWith('@@')) return true;
      if (isWord(next, 'DISTINCT')) return true;
      const operand = readOperand(tokens, index + 1);
      if (!operand) return false;
      if (operand.kind === 'call') return true;
      const follower = tokens[operand.next];
      if (follower?.type === 'semicolon') return true;
      return operand.kind === 'literal' && next?.type === 'number' && (!follower || follower.type === 'comma' || follower.type === 'comment' || isWord(follower, 'FROM', 'UNION', 'ELSE'));
    }
    case 'INSERT': return isWord(next, 'INTO');
    case 'DELETE': return isWord(next, 'FROM') && after?.type === 'word';
    case 'UPDATE': return next?.type === 'word' && isWord(after, 'SET');
    case 'DROP': case 'CREATE': case 'ALTER': return next?.type === 'word' && objectKinds.has(next.text);
    case 'TRUNCATE': return isWord(next, 'TABLE');
    case 'EXEC': case 'EXECUTE': return next?.type === 'open-paren' || next?.type === 'variable' || (next?.type === 'word' && /^(?:SP_|XP_|MASTER)/.test(next.text));
    case 'SHUTDOWN': return isEnd(next);
    case 'DECLARE': return next?.type === 'variable';
    case 'GRANT': return next?.type === 'word' && isWord(after, 'TO', 'ON');
    case 'COPY': return next?.type === 'word' && isWord(after, 'FROM', 'TO') && (tokens[index + 3]?.type === 'string' || tokens[index + 3]?.type === 'operator' || isWord(tokens[index + 3], 'PROGRAM', 'STDIN'));
    case 'WAITFOR': return isWord(next, 'DELAY', 'TIME');
    default: return false;
  }
}

/** Rules that hold wherever they appear, in any context (paranoia 1). */
function certainRule(tokens: readonly SqlToken[]): string | undefined {
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    if (token.type === 'word') {
      if (token.text === 'UNION') {
        let probe = index + 1;
        if (isWord(tokens[probe], 'ALL', 'DISTINCT')) probe++;
        while (tokens[probe]?.type === 'open-paren') probe++;
        const candidate = tokens[probe];
        if (isWord(candidate, 'SELECT')) return 'sql.union-select';
      }
      if (next?.type === 'open-paren' && delayFunctions.has(token.text)) return 'sql.time-delay';
      if (token.text.split('.').some((part) => systemObject.test(part))) return 'sql.system-object';
      if (statementAt(tokens, index)) return 'sql.statement';
    } else if (token.type === 'variable' && token.text.startsWith('@@') && token.text.length > 2) {
      return 'sql.system-object';
    }
  }
  return undefined;
}

/** After a connective: a constant comparison, a boolean literal ending the clause, or a call. */
function tautologyAt(tokens: readonly SqlToken[], index: number, leading: boolean, quote?: string): boolean {
  const comparison = readComparison(tokens, index + 1);
  if (comparison) return leading || isConstantComparison(comparison.left, comparison.operator, comparison.right);
  const operand = readOperand(tokens, index + 1);
  if (!operand) return false;
  if (operand.kind === 'literal' && booleanLiterals.has(operand.text)) return isEnd(tokens[operand.next]) || isLogic(tokens[operand.next]) || tokens[operand.next]?.type === 'close-paren';
  if (operand.kind === 'open') return leading && quote !== undefined && tokens[operand.next - 1]?.quote === quote && operand.text !== '';
  return leading && operand.kind === 'literal' && isEnd(tokens[operand.next]);
}

/** Grammar-level rules (paranoia 2) on one context's tokens. */
function grammarRule(tokens: readonly SqlToken[], code: readonly SqlToken[]): string | undefined {
  const first = tokens[0];
  let start = first?.closesContext ? 1 : 0;
  while (tokens[start]?.type === 'close-paren') start++;
  const head = tokens[start];
  if (first?.closesContext) {
    const singleToken = !/\s/.test(first.text.trim());
    const last = tokens[tokens.length - 1]!;
    const balanced = last.type === 'open' && last.quote === first.quote && last.text === '';
    if (head?.type === 'comment' && singleToken && (head.text.startsWith('-') || !/[\p{L}\p{N}]/u.test(head.text))) return 'sql.quote-comment';
    if (head && isLogic(head) && singleToken) {
      // `' or ''-'`: the connective starts an expression that the application's quote completes.
      const operandType = tokens[start + 1]?.type;
      const expression = balanced && tokens.length - 1 > start + 1 && (operandType === 'string' || operandType === 'number');
      if (expression || tautologyAt(tokens, start, true, first.quote) || readOperand(tokens, start + 1)?.kind === 'call') return 'sql.quote-boolean';
    }
    if (head?.type === 'word' && breakoutClauses.has(head.text) && isWord(tokens[start + 1], 'BY')) return 'sql.quote-clause';
    // `*` is left out: a quoted asterisk is a wildcard search far more often than arithmetic.
    if (singleToken && balanced && tokens.length > 2 && head?.type === 'operator' && head.text !== '*') return 'sql.quote-operator';
    if (singleToken && balanced && tokens.length === 2 && start === 1) return 'sql.quote-concatenation';
  } else if (head && isLogic(head) && tautologyAt(tokens, start, true)) {
    return 'sql.tautology';
  } else if (isWord(head, 'ORDER', 'GROUP') && isWord(tokens[start + 1], 'BY')) {
    const operand = readOperand(tokens, start + 2);
    if (operand && (operand.kind === 'call' || tokens[start + 2]?.type === 'number') && (isEnd(tokens[operand.next]) || tokens[operand.next]?.type === 'comma')) return 'sql.order-by-probe';
  } else if (isWord(head, 'LIKE') && (tokens[start + 1]?.type === 'string' || tokens[start + 1]?.type === 'open') && isEnd(tokens[start + 2])) {
    return 'sql.tautology';
  }
  for (let index = 0; index < code.length; index++) {
    const token = code[index]!;
    if (isLogic(token) && tautologyAt(code, index, false)) return 'sql.tautology';
    if (token.type === 'open-paren' && isWord(code[index + 1], 'SELECT')) return 'sql.subquery';
    if (isWord(token, 'IF', 'CASE') && readComparison(code, index + 1 + (isWord(token, 'CASE') && isWord(code[index + 1], 'WHEN') ? 1 : 0))) return 'sql.conditional';
    if (isWord(token, 'CHAR', 'CHR', 'NCHAR') && code[index + 1]?.type === 'open-paren' && code[index + 2]?.type === 'number') {
      const after = code[index + 4];
      if (after?.type === 'operator' && (after.text === '+' || after.text === '||')) return 'sql.char-encoding';
    }
  }
  return undefined;
}

/** A value with no letters or digits, made of quote, comment and operator characters: a probe. */
function isSyntaxProbe(value: string): boolean {
  if (/[\p{L}\p{N}]/u.test(value)) return false;
  return /'|=|--|#/.test(value) || /^\s*["']+\s*$/.test(value);
}

function contexts(value: string): Array<'' | "'" | '"'> {
  const list: Array<'' | "'" | '"'> = [''];
  if (value.includes("'")) list.push("'");
  if (value.includes('"')) list.push('"');
  return list;
}

/** Cheap pre-check: SQL needs a quote, a comment, an operator or a keyword-ish word pair. */
const worthLexing = /['"`#;=()@<>|&]|--|\/\*|\b(?:union|select|order|group|having|waitfor|exec|drop|insert|delete|update|create|copy|and|or|xor|like|declare|shutdown|truncate|grant|alter)\b/i;

export const detectSqlInjection: Detector = (views: ValueViews, { paranoia }) => {
  const value = views.decoded;
  if (!worthLexing.test(value)) return undefined;
  if (paranoia >= 2 && isSyntaxProbe(value)) return 'sql.syntax-probe';
  for (const context of contexts(value)) {
    const tokens = tokenizeSql(value, context);
    if (!tokens) continue;
    const code = tokens.filter((token) => token.type !== 'comment');
    const certain = certainRule(code);
    if (certain) return certain;
    if (paranoia >= 2) {
      const grammar = grammarRule(tokens, code);
      if (grammar) return grammar;
    }
    if (paranoia >= 3 && tokens.some((token) => token.type === 'comment') && code.some((token) => token.type === 'word')) return 'sql.comment';
  }
  return undefined;
};
