import { useState, type ChangeEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useApi } from '../api/context.js';
import type { ValidationProblem, Workflow } from '../api/types.js';
import { errorMessage } from '../components/states.js';

/**
 * Validate and upload a workflow file (YAML or JSON). Problems are shown in place: beside the
 * line they point at when the server knows it, and listed with their path either way.
 */
export function contentTypeOf(text: string, fileName = ''): string {
  if (/\.json$/i.test(fileName) || /^\s*[{[]/.test(text)) return 'application/json';
  return 'application/yaml';
}

export function WorkflowEditor({ onUploaded }: { onUploaded: (workflow: Workflow) => void }) {
  const { client } = useApi();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [problems, setProblems] = useState<ValidationProblem[] | undefined>();
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    setProblems(undefined);
    setMessage(undefined);
  };

  const send = async (path: string) => {
    const contentType = contentTypeOf(text, fileName);
    return client.request<unknown>(path, { method: 'POST', rawBody: { text, contentType } });
  };

  const validate = async () => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const result = (await send('/api/v1/workflows/validate')) as { valid: boolean; problems: ValidationProblem[] };
      setProblems(result.problems);
      setMessage(result.valid ? 'Valid.' : undefined);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const upload = async () => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const workflow = (await send('/api/v1/workflows')) as Workflow;
      setProblems([]);
      setMessage(`Stored ${workflow.name} v${workflow.version}.`);
      onUploaded(workflow);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'WORKFLOW_INVALID' && Array.isArray(caught.details?.problems)) setProblems(caught.details.problems as ValidationProblem[]);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const lines = text.split('\n');
  const byLine = new Map<number, ValidationProblem[]>();
  for (const problem of problems ?? []) if (problem.line) byLine.set(problem.line, [...(byLine.get(problem.line) ?? []), problem]);

  return (
    <section className="card workflow-editor" aria-labelledby="editor-title">
      <h2 id="editor-title">Validate or upload a workflow</h2>
      <label>
        File (YAML or JSON)
        <input type="file" accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml" onChange={(event) => void readFile(event)} />
      </label>
      <label>
        Definition
        <textarea
          value={text}
          rows={12}
          spellCheck={false}
          className="code"
          onChange={(event) => {
            setText(event.target.value);
            setProblems(undefined);
            setMessage(undefined);
          }}
          aria-invalid={Boolean(problems && problems.length > 0)}
          aria-describedby="workflow-problems"
        />
      </label>
      <div className="actions">
        <button type="button" onClick={() => void validate()} disabled={busy || !text.trim()}>
          Validate
        </button>
        <button type="button" className="primary" onClick={() => void upload()} disabled={busy || !text.trim()}>
          Upload
        </button>
      </div>
      {message && (
        <p className="success" role="status">
          {message}
        </p>
      )}
      {error !== undefined && (
        <p className="field-problem" role="alert">
          {errorMessage(error)}
        </p>
      )}
      <div id="workflow-problems" aria-live="polite">
        {problems && problems.length > 0 && (
          <>
            <h3>{problems.length} problem(s)</h3>
            <ul className="problems">
              {problems.map((problem, index) => (
                <li key={index}>
                  <code>{problem.path || '(file)'}</code>
                  {problem.line ? ` (line ${problem.line})` : ''}: {problem.message}
                </li>
              ))}
            </ul>
            {byLine.size > 0 && (
              <ol className="annotated-source" aria-label="Definition with problems marked">
                {lines.map((line, index) => {
                  const here = byLine.get(index + 1);
                  return (
                    <li key={index} className={here ? 'has-problem' : undefined}>
                      <code>{line || ' '}</code>
                      {here?.map((problem, problemIndex) => (
                        <span key={problemIndex} className="line-problem">
                          {problem.message}
                        </span>
                      ))}
                    </li>
                  );
                })}
              </ol>
            )}
          </>
        )}
      </div>
    </section>
  );
}
