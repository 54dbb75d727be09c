import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAnvilError } from '../../errors.js';
import { parseWorkflowText, readWorkflowFile, type WorkflowProblem } from './parse.js';
import { renderTemplate, resolveParams } from './template.js';

function problemsOf(text: string): WorkflowProblem[] {
  try {
    parseWorkflowText(text);
  } catch (error) {
    if (isAnvilError(error) && error.code === 'WORKFLOW_INVALID') return error.details!.problems as WorkflowProblem[];
    throw error;
  }
  throw new Error('expected the workflow to be invalid');
}

const valid = `name: demo
first_task:
  title: Start {goal}
phases:
  - key: one
    name: One
  - key: two
    name: Two
`;

describe('workflow definitions', () => {
  it('fills defaults for limits, tools and failure policy', () => {
    const { definition } = parseWorkflowText(valid);
    expect(definition.version).toBe(1);
    expect(definition.on_task_failure).toBe('fail_run');
    expect(definition.limits.max_attempts).toBe(3);
    expect(definition.phases[0]!.tools).toContain('create_task');
  });

  it('leaves ask_human out of the default tools: a phase must list it', () => {
    const { definition } = parseWorkflowText(valid);
    expect(definition.phases[0]!.tools).not.toContain('ask_human');
    const listed = parseWorkflowText(valid.replace('    name: One', '    name: One\n    tools: [ask_human, complete_task]'));
    expect(listed.definition.phases[0]!.tools).toEqual(['ask_human', 'complete_task']);
  });

  it('reads review, approval and result settings with their defaults', () => {
    const { definition } = parseWorkflowText(
      valid.replace('    name: One', '    name: One\n    review: {}\n    approval: required') + 'result:\n  review: { max_rounds: 3 }\n  on_result: stop_all\n',
    );
    expect(definition.phases[0]).toMatchObject({ review: { required: true, max_rounds: 2, instructions: '' }, approval: 'required' });
    expect(definition.phases[1]!.review).toBeUndefined();
    expect(definition.result).toEqual({ description: '', review: { max_rounds: 3, instructions: '' }, on_result: 'stop_all' });
  });

  it('names the field and the rule of a bad review, approval or result setting', () => {
    const problems = problemsOf(
      valid.replace('    name: One', '    name: One\n    review: { max_rounds: 0, colour: red }\n    approval: maybe') + 'result:\n  on_result: later\n',
    );
    const byPath = Object.fromEntries(problems.map((problem) => [problem.path, problem.message]));
    expect(byPath['phases[0].review.max_rounds']).toBe('expected a positive integer');
    expect(byPath['phases[0].approval']).toBe('expected required or none');
    expect(byPath['result.on_result']).toBe('expected stop_all or continue');
    expect(Object.keys(byPath).some((path) => path.startsWith('phases[0].review'))).toBe(true);
    expect(problems.some((problem) => problem.message.includes('colour'))).toBe(true);
  });

  it('reports each error with its path in the file and its line', () => {
    const problems = problemsOf(valid.replace('    name: Two', '    name: Two\n    max_concurrency: 0'));
    expect(problems).toContainEqual({ path: 'phases[1].max_concurrency', message: 'expected a positive integer', line: 9 });
  });

  it('reports every problem at once, not only the first', () => {
    const problems = problemsOf(`name: Bad Name
first_task:
  title: x {nope}
  phase: missing
phases:
  - key: one
    name: One
    tools: [fly]
  - key: one
    name: Again
limits:
  max_steps: -1
colour: red
`);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'phases[0].tools[0]', 'limits.max_steps', '(root)']));
    expect(problems.find((p) => p.path === 'phases[1].key')?.message).toMatch(/duplicate phase key/);
    expect(problems.find((p) => p.path === 'first_task.phase')?.message).toMatch(/unknown phase/);
    expect(problems.some((p) => p.message.includes('{nope}'))).toBe(true);
  });

  it('reports a YAML syntax error with its line', () => {
    const [problem] = problemsOf('name: demo\nphases: [\n');
    expect(problem!.path).toBe('(file)');
    expect(problem!.line).toBeGreaterThan(0);
  });

  it('produces the same checksum for the same definition however it is written', () => {
    const yaml = parseWorkflowText(valid);
    const json = parseWorkflowText(JSON.stringify({ phases: [{ name: 'One', key: 'one' }, { key: 'two', name: 'Two' }], first_task: { title: 'Start {goal}' }, name: 'demo' }));
    expect(json.checksum).toBe(yaml.checksum);
  });

  it('accepts every example workflow shipped in examples/', async () => {
    for (const file of readdirSync('examples').filter((name) => /\.(ya?ml|json)$/.test(name))) {
      const { definition } = await readWorkflowFile(`examples/${file}`);
      expect(definition.phases.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('refuses a file that is not YAML or JSON by its name', async () => {
    await expect(readWorkflowFile('README.md')).rejects.toMatchObject({ code: 'WORKFLOW_INVALID' });
    await expect(readWorkflowFile('examples/missing.yaml')).rejects.toThrowError(/cannot be read/);
  });
});

describe('launch parameters', () => {
  const { definition } = parseWorkflowText(`name: p
params:
  count: { type: integer, default: 2 }
  name: { type: string, required: true }
  loud: { type: boolean }
first_task: { title: 'Do {name} {count} times' }
phases: [{ key: a, name: A }]
`);

  it('converts CLI strings to the declared types and fills defaults', () => {
    expect(resolveParams(definition, { name: 'x', loud: 'true' })).toEqual({ name: 'x', count: 2, loud: true });
    expect(resolveParams(definition, { name: 'x', count: '5' })).toMatchObject({ count: 5 });
  });

  it('names each unknown, missing or mistyped parameter', () => {
    expect(() => resolveParams(definition, { count: '2.5', extra: 1 })).toThrowError(/params\.extra: unknown parameter.*params\.count: expected a integer.*params\.name: required|params\.extra: unknown parameter/);
    try {
      resolveParams(definition, { count: '2.5', extra: 1 });
    } catch (error) {
      const problems = (error as { details: { problems: { path: string }[] } }).details.problems.map((p) => p.path);
      expect(problems.sort()).toEqual(['params.count', 'params.extra', 'params.name']);
    }
  });

  it('renders placeholders and leaves unknown ones alone', () => {
    expect(renderTemplate('Do {name} {count} times for {goal} {other}', { name: 'x', count: 2, goal: 'g' })).toBe('Do x 2 times for g {other}');
  });
});
