/**
 * The Dockerfile, checked without a container engine (none runs here): its stages, base image,
 * user, entry point and environment are read and held to the CLI, the configuration and the
 * build; its healthcheck command is run, as Docker would run it, against a real Anvil server.
 * What this cannot show (the image builds, its size, the process runs as `node` inside it) is
 * listed in docs/operations.md, "Containers".
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envBindings } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/index.js';
import { startMetricsServer, type MetricsServer } from '../../src/observability/metrics-server.js';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { cliProgram, parseEnvInstruction, readDockerfile, readRepositoryFile, readYaml, repositoryRoot, type DockerStage } from '../helpers/deploy-files.js';
import { listen } from '../helpers/http.js';
import { createTestRuntime } from '../helpers/runtime.js';

const stages = readDockerfile();
const build = stages[0]!;
const runtimeStage = stages.at(-1)!;
const packageJson = JSON.parse(readRepositoryFile('package.json')) as { engines: { node: string }; scripts: Record<string, string>; bin: Record<string, string> };

function instructionArguments(stage: DockerStage, keyword: string): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.argument);
}

/** The exec-form JSON array of a CMD, ENTRYPOINT or HEALTHCHECK … CMD instruction. */
function execForm(argument: string): string[] {
  const json = argument.slice(argument.indexOf('['));
  return JSON.parse(json) as string[];
}

/** Runs an exec-form healthcheck the way Docker does (`node` is this Node), with the given environment. */
function runHealthcheck(command: string[], env: Record<string, string>): Promise<number | null> {
  const [program, ...rest] = command;
  expect(program).toBe('node');
  const child = spawn(process.execPath, rest, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  return new Promise((resolve) => child.on('close', resolve));
}

describe('Dockerfile', () => {
  it('builds in a stage with every dependency and runs from a slim Node base the engines field allows', () => {
    expect(stages).toHaveLength(2);
    expect(build.name).toBe('build');
    for (const stage of stages) expect(stage.image).toMatch(/^node:(20|22)-slim$/);
    const major = runtimeStage.image.match(/^node:(\d+)/)![1]!;
    expect(packageJson.engines.node).toContain(`>=${major}.`);
    const buildRuns = instructionArguments(build, 'RUN');
    expect(buildRuns.some((run) => /^npm ci\b/.test(run) && !run.includes('--omit=dev'))).toBe(true);
    expect(buildRuns).toContain('npm run build');
    expect(packageJson.scripts.build).toBeDefined();
    // Everything the build stage copies exists in the repository.
    for (const copy of instructionArguments(build, 'COPY')) {
      const sources = copy.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(new URL(source, repositoryRoot)), source).toBe(true);
    }
  });

  it('installs production dependencies only in the runtime stage, copies the build, and runs as a user other than root', () => {
    const runs = instructionArguments(runtimeStage, 'RUN');
    expect(runs.some((run) => /^npm ci\b/.test(run) && run.includes('--omit=dev'))).toBe(true);
    const copies = instructionArguments(runtimeStage, 'COPY');
    expect(copies).toContain('--from=build /app/dist ./dist');
    // No sources, tests or dev tooling in the runtime stage.
    for (const copy of copies) expect(copy).not.toMatch(/\b(?:src|test|bench|web)\b/);
    const users = instructionArguments(runtimeStage, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(?:root|0)(?::|$)/);
    // USER comes before the entry point, so the server never starts as root.
    const keywords = runtimeStage.instructions.map((instruction) => instruction.keyword);
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.indexOf('ENTRYPOINT'));
  });

  it('starts the `anvil` binary with a command the CLI has', async () => {
    const [entryPoint] = instructionArguments(runtimeStage, 'ENTRYPOINT');
    const [command] = instructionArguments(runtimeStage, 'CMD');
    const argv = [...execForm(entryPoint!), ...execForm(command!)];
    expect(argv.slice(0, 2)).toEqual(['node', packageJson.bin.anvil!.replace(/^\.\//, '')]);
    // tsconfig.build.json compiles src/ into dist/: the entry point is src/cli/index.ts compiled.
    expect(existsSync(new URL('src/cli/index.ts', repositoryRoot))).toBe(true);
    const program = await cliProgram();
    expect(program.commands.map((subcommand) => subcommand.name())).toContain(argv[2]);
  });

  it('sets only variables the configuration reads, and they load into a valid configuration', () => {
    const environment = Object.assign({}, ...instructionArguments(runtimeStage, 'ENV').map(parseEnvInstruction)) as Record<string, string>;
    const known = new Set(envBindings.map((binding) => binding.name));
    for (const name of Object.keys(environment)) expect(known, name).toContain(name);
    const config = loadConfig({ env: environment });
    expect(config.server.host).toBe('0.0.0.0');
    expect(instructionArguments(runtimeStage, 'EXPOSE')).toEqual([String(config.server.port)]);
    // The embedded database's folder is the one the image makes writable for its user.
    expect(instructionArguments(runtimeStage, 'RUN').some((run) => run.includes(`chown node:node ${config.database.dataDir}`))).toBe(true);
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    const ignored = readRepositoryFile('.dockerignore').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
    for (const entry of ['.git', '**/node_modules', 'dist', 'secrets', '.env']) expect(ignored).toContain(entry);
  });

  describe('healthcheck, run against a real server', () => {
    let runtime: Runtime;
    let apiPort: number;
    let closeApi: () => Promise<void>;
    let metricsServer: MetricsServer;

    beforeAll(async () => {
      runtime = await createTestRuntime({ name: 'pglite', open: openMigratedPglite });
      const { app, baseUrl } = await listen(runtime);
      apiPort = Number(new URL(baseUrl).port);
      closeApi = () => app.close();
      metricsServer = await startMetricsServer({ metrics: runtime.metrics!, port: 0 });
    });

    afterAll(async () => {
      await metricsServer?.close();
      await closeApi?.();
      await runtime?.close();
    });

    it("passes when the API answers /healthz on ANVIL_PORT and fails when nothing listens there", async () => {
      const [healthcheck] = instructionArguments(runtimeStage, 'HEALTHCHECK');
      expect(healthcheck).toMatch(/--interval=\d+s/);
      const command = execForm(healthcheck!);
      expect(command.join(' ')).toContain('/healthz');
      expect(await runHealthcheck(command, { ANVIL_PORT: String(apiPort) })).toBe(0);
      expect(await runHealthcheck(command, { ANVIL_PORT: '1' })).toBe(1);
    });

    it("compose's worker healthcheck passes against a worker's metrics server and fails without one", async () => {
      const compose = readYaml<{ services: Record<string, { healthcheck?: { test: string[] } }> }>('compose.yaml');
      const test = compose.services['anvil-worker-1']!.healthcheck!.test;
      expect(test[0]).toBe('CMD');
      const command = test.slice(1);
      const port = new URL(metricsServer.url).port;
      expect(await runHealthcheck(command, { ANVIL_METRICS_PORT: port })).toBe(0);
      expect(await runHealthcheck(command, { ANVIL_METRICS_PORT: '1' })).toBe(1);
    });
  });
});
