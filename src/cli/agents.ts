/**
 * `anvil agents invite|list|revoke`: outside agents of a run, who join it over MCP (/mcp) with the
 * token `invite` prints once. Works on the database directly, like `anvil keys`; with the embedded
 * database while `anvil serve` runs, use the API (`POST /api/v1/runs/:id/agents`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { inviteAgent, listAgents, revokeAgent, type RunAgentView } from '../security/agents/index.js';
import { configFrom, runCommand } from './context.js';
import { withDatabase } from './with-database.js';

const units: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** `90s`, `30m`, `8h`, `7d`, or `never`; null means no expiry. */
export function parseTtl(value: string): number | null {
  if (value === 'never') return null;
  const match = /^(\d+)([smhd])$/.exec(value);
  const seconds = match ? Number(match[1]) * units[match[2]!]! : 0;
  if (seconds < 60) throw new InvalidArgumentError('--ttl: expected a duration of at least a minute such as 30m, 8h or 7d, or never');
  return seconds;
}

function describe(agent: RunAgentView): string {
  const until = agent.state === 'active' ? (agent.expires_at ? `expires ${agent.expires_at}` : 'never expires') : agent.state === 'revoked' ? `revoked ${agent.revoked_at}` : `expired ${agent.expires_at}`;
  return `${agent.id}  anvil_agent_${agent.prefix}_…  ${agent.name}  ${agent.state}  ${until}  last used ${agent.last_used_at ?? 'never'}`;
}

export function registerAgentsCommand(program: Command): void {
  const agents = program.command('agents').description("Invite outside agents (any MCP client) to a run, list and revoke them");
  agents
    .command('invite')
    .argument('<run>', 'the run id')
    .description("Issue a token that lets one outside agent work in the run over /mcp; prints it once")
    .option('--name <name>', 'who the agent is, for listings and events', 'outside agent')
    .option('--ttl <duration>', 'token lifetime: 30m, 8h, 7d … or never (default: mcp.tokenTtlSeconds)', parseTtl)
    .option('--json', 'print the token and its record as JSON')
    .action((runId: string, options: { name: string; ttl?: number | null; json?: boolean }) =>
      runCommand(async () => {
        const config = configFrom(program);
        const invited = await withDatabase(config, (db) => inviteAgent(db, { runId, name: options.name, ttlSeconds: options.ttl === undefined ? config.mcp.tokenTtlSeconds : options.ttl }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ...invited.view, token: invited.token })}\n`);
          return;
        }
        process.stdout.write(
          `${invited.token}\n\nagent ${invited.view.id} (${invited.view.name}) may work in run ${invited.view.run_id}` +
            ` ${invited.view.expires_at ? `until ${invited.view.expires_at}` : 'with no expiry'}.\n` +
            'Point its MCP client at <server>/mcp with the header Authorization: Bearer <token> (docs/mcp.md).\nStore the token now: it is shown only this once.\n',
        );
      }),
    );
  agents
    .command('list')
    .argument('<run>', 'the run id')
    .description("List a run's outside agents (never their tokens)")
    .option('--json', 'print JSON')
    .action((runId: string, options: { json?: boolean }) =>
      runCommand(async () => {
        const all = await withDatabase(configFrom(program), (db) => listAgents(db, runId));
        process.stdout.write(options.json ? `${JSON.stringify(all)}\n` : all.length === 0 ? 'no outside agents\n' : `${all.map(describe).join('\n')}\n`);
      }),
    );
  agents
    .command('revoke')
    .argument('<id>', 'the agent id (from `anvil agents list`)')
    .description("Revoke an agent's token; refused from its next request on, in every process")
    .action((id: string) =>
      runCommand(async () => {
        const revoked = await withDatabase(configFrom(program), (db) => revokeAgent(db, id));
        process.stdout.write(`revoked ${revoked.id} (${revoked.name}) at ${revoked.revoked_at}\n`);
      }),
    );
}
