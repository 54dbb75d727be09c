/**
 * How deeply a YAML text nests, estimated before it is parsed. The YAML parser recurses once per
 * level: a workflow posted as a few kilobytes of `{"a":{"a":…` overflows its stack, and fuzzing
 * showed that a run of such bodies can take the whole process down (V8 aborts compiling a
 * regular expression near the stack limit). So a YAML body is refused with INPUT_TOO_DEEP, like a
 * JSON body, before the parser sees it.
 *
 * Flow collections count their open brackets outside quotes; block collections count the
 * distinct indentation levels open on the current line. The estimate may overcount (a bracket in
 * a plain scalar), never undercount, and a real workflow nests four or five levels.
 */
import { AnvilError } from '../../errors.js';

export function yamlNestingDepth(text: string): number {
  let deepest = 0;
  const indents: number[] = [];
  for (const line of text.split('\n')) {
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    const indent = line.length - content.length;
    while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
    indents.push(indent);
    // A sequence entry (`- `) opens a level of its own.
    const dashes = leadingSequenceEntries(content) + 1;
    let flow = 0;
    let quote: string | undefined;
    for (let index = 0; index < content.length; index++) {
      const character = content[index]!;
      if (quote) {
        if (character === '\\' && quote === '"') index++;
        else if (character === quote) quote = undefined;
      } else if (character === '"' || character === "'") quote = character;
      else if (character === '[' || character === '{') deepest = Math.max(deepest, indents.length + dashes - 2 + ++flow);
      else if (character === ']' || character === '}') flow = Math.max(0, flow - 1);
      else if (character === '#' && (index === 0 || content[index - 1] === ' ')) break;
    }
    deepest = Math.max(deepest, indents.length + dashes - 1);
  }
  return deepest;
}

/** The body parser for YAML workflow uploads: the text, or INPUT_TOO_DEEP past `maxDepth`. */
export function yamlBodyParser(maxDepth: number) {
  return function parseYamlBody(_request: unknown, body: string | Buffer, done: (error: Error | null, body?: unknown) => void): void {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const depth = yamlNestingDepth(text);
    if (depth > maxDepth) done(new AnvilError('INPUT_TOO_DEEP', `body nests deeper than the limit of ${maxDepth}`, { field: 'body', limit: maxDepth }));
    else done(null, text);
  };
}

/** How many `- ` sequence markers open a line (`- - a` has two); a plain scan, no backtracking. */
function leadingSequenceEntries(content: string): number {
  let count = 0;
  let index = 0;
  while (content[index] === '-' && /\s/.test(content[index + 1] ?? '')) {
    count++;
    index++;
    while (/\s/.test(content[index] ?? '')) index++;
  }
  return count;
}
