import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useApi } from '../api/context.js';
import type { Run, Workflow, WorkflowParam } from '../api/types.js';
import { errorMessage } from '../components/states.js';
import { navigate } from '../router.js';

/** Starts a run: the workflow, a goal, and one field per declared parameter, typed as declared. */
type Values = Record<string, string | boolean>;

function initialValues(params: Record<string, WorkflowParam>): Values {
  return Object.fromEntries(Object.entries(params).map(([name, param]) => [name, param.type === 'boolean' ? param.default === true : param.default === undefined ? '' : String(param.default)]));
}

/** Form values to the API's params: numbers as numbers, empty optional fields left out. */
export function paramsFrom(params: Record<string, WorkflowParam>, values: Values): { params: Record<string, string | number | boolean>; problems: Record<string, string> } {
  const result: Record<string, string | number | boolean> = {};
  const problems: Record<string, string> = {};
  for (const [name, param] of Object.entries(params)) {
    const value = values[name];
    if (param.type === 'boolean') {
      result[name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      if (param.required) problems[name] = 'required';
      continue;
    }
    if (param.type === 'string') result[name] = text;
    else {
      const number = Number(text);
      if (!Number.isFinite(number) || (param.type === 'integer' && !Number.isInteger(number))) problems[name] = `expected ${param.type === 'integer' ? 'a whole number' : 'a number'}`;
      else result[name] = number;
    }
  }
  return { params: result, problems };
}

export function LaunchForm({ workflows }: { workflows: Workflow[] }) {
  const { client } = useApi();
  const [workflowName, setWorkflowName] = useState(workflows[0]?.name ?? '');
  const workflow = workflows.find((candidate) => candidate.name === workflowName);
  const declared = workflow?.definition.params ?? {};
  const [values, setValues] = useState<Values>(() => initialValues(declared));
  const [goal, setGoal] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const chooseWorkflow = (name: string) => {
    setWorkflowName(name);
    setValues(initialValues(workflows.find((candidate) => candidate.name === name)?.definition.params ?? {}));
    setProblems({});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { params, problems: found } = paramsFrom(declared, values);
    if (!goal.trim()) found.goal = 'required';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const run = await client.post<Run>('/api/v1/runs', { workflow: workflowName, goal: goal.trim(), params });
      navigate(`/runs/${run.id}`);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <form className="launch-form card" onSubmit={submit} aria-labelledby="launch-title" noValidate>
      <h2 id="launch-title">Launch a run</h2>
      <label>
        Workflow
        <select value={workflowName} onChange={(event) => chooseWorkflow(event.target.value)}>
          {workflows.map((candidate) => (
            <option key={candidate.id} value={candidate.name}>
              {candidate.name} (v{candidate.version})
            </option>
          ))}
        </select>
      </label>
      {workflow?.definition.description && <p className="hint">{workflow.definition.description}</p>}
      <label>
        Goal
        <textarea value={goal} onChange={(event) => setGoal(event.target.value)} rows={3} required aria-invalid={Boolean(problems.goal)} aria-describedby={problems.goal ? 'goal-problem' : undefined} />
      </label>
      {problems.goal && <p className="field-problem" id="goal-problem">Goal: {problems.goal}</p>}
      {Object.entries(declared).map(([name, param]) => (
        <ParamField key={`${workflowName}.${name}`} name={name} param={param} value={values[name] ?? ''} problem={problems[name]} onChange={(value) => setValues((previous) => ({ ...previous, [name]: value }))} />
      ))}
      {error !== undefined && (
        <p className="field-problem" role="alert">
          {error instanceof ApiError && error.code === 'VALIDATION_FAILED' ? error.message : errorMessage(error)}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || !workflow}>
        {busy ? 'Starting…' : 'Launch'}
      </button>
    </form>
  );
}

function ParamField({ name, param, value, problem, onChange }: { name: string; param: WorkflowParam; value: string | boolean; problem?: string; onChange: (value: string | boolean) => void }) {
  const id = `param-${name}`;
  const hint = param.description ? <span className="hint">{param.description}</span> : null;
  if (param.type === 'boolean') {
    return (
      <label className="checkbox">
        <input id={id} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} /> {name} {hint}
      </label>
    );
  }
  return (
    <>
      <label htmlFor={id}>
        {name}
        {param.required && <abbr title="required"> *</abbr>} {hint}
      </label>
      <input
        id={id}
        type={param.type === 'string' ? 'text' : 'number'}
        step={param.type === 'integer' ? 1 : 'any'}
        value={typeof value === 'string' ? value : ''}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={Boolean(problem)}
        aria-describedby={problem ? `${id}-problem` : undefined}
      />
      {problem && (
        <p className="field-problem" id={`${id}-problem`}>
          {name}: {problem}
        </p>
      )}
    </>
  );
}
