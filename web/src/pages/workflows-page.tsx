import { useApi } from '../api/context.js';
import type { Workflow } from '../api/types.js';
import { Empty, Loaded } from '../components/states.js';
import { formatTime } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { WorkflowEditor } from './workflow-editor.js';

export function WorkflowsPage() {
  const { client } = useApi();
  const workflows = useResource((signal) => client.get<{ workflows: Workflow[] }>('/api/v1/workflows', signal), [client]);
  return (
    <div className="page workflows-page">
      <h1>Workflows</h1>
      <div className="two-columns">
        <section aria-label="Workflow definitions">
          <Loaded resource={workflows} what="workflows">
            {({ workflows: list }) => (list.length === 0 ? <Empty>No workflows yet. Upload one with the form.</Empty> : list.map((workflow) => <WorkflowCard key={workflow.id} workflow={workflow} />))}
          </Loaded>
        </section>
        <WorkflowEditor onUploaded={workflows.reload} />
      </div>
    </div>
  );
}

function WorkflowCard({ workflow }: { workflow: Workflow }) {
  const definition = workflow.definition;
  const params = Object.entries(definition.params ?? {});
  return (
    <article className="card workflow-card">
      <h2>
        {workflow.name} <span className="hint">v{workflow.version}</span>
      </h2>
      {definition.description && <p>{definition.description}</p>}
      <ol className="phases">
        {definition.phases.map((phase) => (
          <li key={phase.key}>
            <strong>{phase.name}</strong> <code>{phase.key}</code>
            {phase.max_concurrency ? <span className="hint"> · up to {phase.max_concurrency} at once</span> : null}
            {phase.description && <p className="hint">{phase.description}</p>}
          </li>
        ))}
      </ol>
      {params.length > 0 && (
        <p className="hint">
          Parameters: {params.map(([name, param]) => `${name} (${param.type}${param.required ? ', required' : ''})`).join(', ')}
        </p>
      )}
      <p className="hint">
        {definition.budget?.usd ? `Budget $${definition.budget.usd} · ` : ''}registered {formatTime(workflow.created_at)}
      </p>
    </article>
  );
}
