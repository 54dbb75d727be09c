import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { AnvilError } from '../../errors.js';
import { crossFieldIssues, workflowSchema, type WorkflowDefinition } from './definition.js';

export interface WorkflowProblem {
  /** Where in the file, e.g. `phases[1].max_concurrency`. */
  path: string;
  message: string;
  /** 1-based line in the source text, when known. */
  line?: number;
}

export interface ParsedWorkflow {
  definition: WorkflowDefinition;
  checksum: string;
}

/** Parses YAML (JSON is YAML) and validates it; throws WORKFLOW_INVALID listing every problem. */
export function parseWorkflowText(text: string, source = 'workflow'): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({
      path: '(file)',
      message: error.message.split('\n')[0]!,
      line: error.linePos?.[0]?.line,
    }));
    throw workflowInvalid(source, problems);
  }
  return validateWorkflow(document.toJS(), source, (path) => lineOf(document.contents, path, lineCounter));
}

/** Validates an already-parsed object (the REST API's JSON body). */
export function validateWorkflow(input: unknown, source = 'workflow', locate?: (path: PropertyKey[]) => number | undefined): ParsedWorkflow {
  const result = workflowSchema.safeParse(input);
  if (!result.success) {
    const issues: { path: PropertyKey[]; message: string }[] = result.error.issues.map((issue) => ({ path: issue.path as PropertyKey[], message: issue.message }));
    // Cross-field rules did not run on input that failed the schema: report them too.
    for (const extra of crossFieldIssues(input)) {
      if (!issues.some((issue) => formatPath(issue.path) === formatPath(extra.path) && issue.message === extra.message)) issues.push(extra);
    }
    const problems = issues.map((issue) => {
      const path = issue.path;
      const problem: WorkflowProblem = { path: formatPath(path), message: issue.message };
      const line = locate?.(path);
      if (line !== undefined) problem.line = line;
      return problem;
    });
    throw workflowInvalid(source, problems);
  }
  return { definition: result.data, checksum: checksumOf(result.data) };
}

export async function readWorkflowFile(path: string): Promise<ParsedWorkflow> {
  if (!['.yaml', '.yml', '.json'].includes(extname(path))) {
    throw workflowInvalid(path, [{ path: '(file)', message: 'expected a .yaml, .yml or .json file' }]);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw workflowInvalid(path, [{ path: '(file)', message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  return parseWorkflowText(text, path);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const part of path) {
    if (typeof part === 'number') result += `[${part}]`;
    else result += result ? `.${String(part)}` : String(part);
  }
  return result || '(root)';
}

function checksumOf(definition: WorkflowDefinition): string {
  return createHash('sha256').update(stableStringify(definition)).digest('hex');
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${stableStringify(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function lineOf(root: Node | null, path: PropertyKey[], lineCounter: LineCounter): number | undefined {
  let node: Node | null | undefined = root;
  let found = node;
  for (const part of path) {
    if (isMap(node)) node = node.get(part as string, true) as Node | undefined;
    else if (isSeq(node)) node = node.get(part as number, true) as Node | undefined;
    else break;
    if (!node) break;
    found = node;
  }
  const offset = found?.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

function workflowInvalid(source: string, problems: WorkflowProblem[]): AnvilError {
  const lines = problems.map((p) => `${p.path}: ${p.message}${p.line ? ` (line ${p.line})` : ''}`);
  return new AnvilError('WORKFLOW_INVALID', `${source} is not a valid workflow:\n  ${lines.join('\n  ')}`, { source, problems });
}
