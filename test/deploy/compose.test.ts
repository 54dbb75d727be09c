/**
 * compose.yaml, checked without a container engine (none runs here): every Anvil service's
 * command and flags against the real `anvil` program, its variables against the configuration's
 * environment bindings (and loaded into a valid configuration), its ports and addresses against
 * Prometheus's scrape targets, and every mounted file and provisioning path against the
 * repository. What this cannot show (the stack starts, the services reach each other) is listed in
 * docs/operations.md, "Containers".
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { envBindings } from '../../src/config/env.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { cliProgram, readRepositoryFile, readYaml, repositoryRoot } from '../helpers/deploy-files.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  secrets?: Array<string | { source: string; target?: string }>;
  depends_on?: string[] | Record<string, unknown>;
  networks?: string[];
  healthcheck?: { test: string[] };
}

interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
  networks: Record<string, unknown>;
}

interface PrometheusConfig {
  rule_files: string[];
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
  scrape_configs: Array<{ job_name: string; authorization?: { credentials_file?: string }; static_configs: Array<{ targets: string[] }> }>;
}

const compose = readYaml<Compose>('compose.yaml');
const prometheus = readYaml<PrometheusConfig>('deploy/prometheus/prometheus.yml');
const services = compose.services;
const anvilServices = Object.entries(services).filter(([, service]) => service.build !== undefined);
const knownVariables = new Set(envBindings.map((binding) => binding.name));

function secretNames(service: Service): string[] {
  return (service.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
}

/** `{secret:NAME}` placeholders and whole-value `secret:NAME` references in a service's environment. */
function referencedSecrets(environment: Record<string, string>): string[] {
  return Object.values(environment).flatMap((value) => [...String(value).matchAll(/\{secret:([\w.-]+)\}|^secret:([\w.-]+)$/g)].map((match) => (match[1] ?? match[2])!));
}

/** The configuration a service's process would load: its environment, then its flags as the command applies them. */
function serviceConfig(service: Service): Config {
  const overrides = service.command?.includes('--no-workers') ? { server: { workers: false } } : undefined;
  return loadConfig({ env: service.environment ?? {}, overrides });
}

function containerPorts(service: Service): number[] {
  return (service.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));
}

/** Bind-mounted host paths (`./…:target[:ro]`) of a service, as [source, target]. */
function bindMounts(service: Service): Array<[string, string]> {
  return (service.volumes ?? []).filter((volume) => volume.startsWith('./')).map((volume) => {
    const [source, target] = volume.split(':');
    return [source!, target!];
  });
}

function option(command: Command, flag: string) {
  return command.options.find((candidate) => candidate.long === flag || candidate.short === flag);
}

describe('compose.yaml', () => {
  it('runs an API node, two workers, PostgreSQL, Redis, Prometheus, Alertmanager and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'anvil', 'anvil-worker-1', 'anvil-worker-2', 'grafana', 'postgres', 'prometheus', 'redis']);
    expect(anvilServices.map(([name]) => name).sort()).toEqual(['anvil', 'anvil-worker-1', 'anvil-worker-2']);
    expect(services.anvil!.command).toEqual(['serve', '--no-workers']);
    expect(services['anvil-worker-1']!.command).toEqual(['worker']);
    expect(services['anvil-worker-2']!.command).toEqual(['worker']);
  });

  it("gives every Anvil service a command and flags the `anvil` program has, each flag with the value it needs", async () => {
    const program = await cliProgram();
    for (const [name, service] of anvilServices) {
      const [commandName, ...rest] = service.command!;
      const command = program.commands.find((candidate) => candidate.name() === commandName);
      expect(command, `${name}: anvil ${commandName}`).toBeDefined();
      for (let index = 0; index < rest.length; index++) {
        const token = rest[index]!;
        if (!token.startsWith('-')) continue;
        const [flag, inlineValue] = token.split('=');
        const declared = option(command!, flag!);
        expect(declared, `${name}: anvil ${commandName} ${flag}`).toBeDefined();
        if (declared!.required && inlineValue === undefined) expect(rest[index + 1], `${name}: ${flag} needs a value`).toMatch(/^[^-]/);
      }
    }
  });

  it('sets only variables the configuration reads, and each Anvil service loads a valid configuration from them', () => {
    for (const [name, service] of anvilServices) {
      for (const variable of Object.keys(service.environment ?? {})) expect(knownVariables, `${name}: ${variable}`).toContain(variable);
      expect(() => serviceConfig(service), name).not.toThrow();
    }
  });

  it('serves the API on the port it publishes, on every interface, without workers in the API process', () => {
    const config = serviceConfig(services.anvil!);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.workers).toBe(false);
    expect(containerPorts(services.anvil!)).toEqual([config.server.port]);
  });

  it('scrapes every Anvil process where it serves /metrics, and only Anvil processes', () => {
    const scraped = new Map<string, number>();
    for (const job of prometheus.scrape_configs) {
      for (const target of job.static_configs.flatMap((group) => group.targets)) {
        const [host, port] = target.split(':');
        scraped.set(host!, Number(port));
      }
    }
    expect([...scraped.keys()].sort()).toEqual(anvilServices.map(([name]) => name).sort());
    for (const [name, service] of anvilServices) {
      const config = serviceConfig(service);
      if (service.command![0] === 'serve') {
        expect(scraped.get(name), name).toBe(config.server.port);
      } else {
        expect(scraped.get(name), name).toBe(config.observability.metricsPort);
        // Loopback (the default) would hide the worker's metrics from Prometheus's container.
        expect(config.observability.metricsHost, name).toBe('0.0.0.0');
      }
    }
  });

  it('mounts the Prometheus configuration, its rule files and the metrics key where prometheus.yml reads them', () => {
    const service = services.prometheus!;
    const configFile = service.command!.find((argument) => argument.startsWith('--config.file='))!.split('=')[1]!;
    const configDirectory = posix.dirname(configFile);
    const mounts = new Map(bindMounts(service).map(([source, target]) => [target, source]));
    expect(mounts.get(configFile)).toBe('./deploy/prometheus/prometheus.yml');
    for (const ruleFile of prometheus.rule_files) {
      const source = mounts.get(posix.join(configDirectory, ruleFile));
      expect(source, ruleFile).toBeDefined();
      expect(existsSync(new URL(source!, repositoryRoot)), source).toBe(true);
    }
    const credentialsFiles = prometheus.scrape_configs.flatMap((job) => (job.authorization?.credentials_file ? [job.authorization.credentials_file] : []));
    expect(credentialsFiles.length).toBeGreaterThan(0);
    const secretTargets = (service.secrets ?? []).flatMap((secret) => (typeof secret === 'string' ? [] : [secret.target]));
    for (const file of credentialsFiles) expect(secretTargets).toContain(posix.join(configDirectory, file));
  });

  it('provisions Grafana from deploy/grafana: the data source points at Prometheus and the dashboards folder is where the provider looks', () => {
    const service = services.grafana!;
    const mounts = bindMounts(service);
    for (const [source] of mounts) expect(existsSync(new URL(source, repositoryRoot)), source).toBe(true);
    const mountedAt = new Map(mounts.map(([source, target]) => [source, target]));
    const provider = readYaml<{ providers: Array<{ options: { path: string } }> }>('deploy/grafana/provisioning/dashboards/anvil.yml');
    expect(mountedAt.get('./deploy/grafana/dashboards')).toBe(provider.providers[0]!.options.path);
    expect(mountedAt.get('./deploy/grafana/provisioning/dashboards')).toBe('/etc/grafana/provisioning/dashboards');
    expect(mountedAt.get('./deploy/grafana/provisioning/datasources')).toBe('/etc/grafana/provisioning/datasources');
    const dashboards = readdirSync(new URL('deploy/grafana/dashboards/', repositoryRoot)).filter((file) => file.endsWith('.json'));
    expect(dashboards.length).toBeGreaterThan(0);
    const datasources = readYaml<{ datasources: Array<{ url: string }> }>('deploy/grafana/provisioning/datasources/prometheus.yml');
    const url = new URL(datasources.datasources[0]!.url);
    expect(services[url.hostname], url.hostname).toBe(services.prometheus);
    expect(Number(url.port)).toBe(9090);
    expect(containerPorts(services.prometheus!)).toContain(9090);
  });

  it('reaches PostgreSQL and Redis by service name with the user, database and password the servers are given', () => {
    for (const [name, service] of anvilServices) {
      const database = new URL(service.environment!.DATABASE_URL!);
      const postgres = services[database.hostname]!;
      expect(postgres?.image, name).toMatch(/^postgres:/);
      expect(Number(database.port)).toBe(5432);
      expect(database.username).toBe(postgres.environment!.POSTGRES_USER);
      expect(database.pathname).toBe(`/${postgres.environment!.POSTGRES_DB}`);
      expect(postgres.environment!.POSTGRES_PASSWORD_FILE).toBe(`/run/secrets/${decodeURIComponent(database.password).match(/^\{secret:([\w.-]+)\}$/)![1]}`);
      const redisUrl = new URL(service.environment!.REDIS_URL!);
      const redis = services[redisUrl.hostname]!;
      expect(redis?.image, name).toMatch(/^redis:/);
      const redisSecret = decodeURIComponent(redisUrl.password).match(/^\{secret:([\w.-]+)\}$/)![1]!;
      expect(redis.command!.join(' ')).toContain(`/run/secrets/${redisSecret}`);
      expect(secretNames(redis)).toContain(redisSecret);
    }
  });

  it('reads every secret an Anvil service refers to from a mounted secret file, and keeps the files out of git', () => {
    for (const [name, service] of anvilServices) {
      const config = serviceConfig(service);
      expect(config.secrets.backends, name).toContain('file');
      expect(config.secrets.file.directory, name).toBe('/run/secrets');
      const referenced = referencedSecrets(service.environment ?? {});
      expect(referenced.length).toBeGreaterThan(0);
      for (const secret of referenced) expect(secretNames(service), `${name}: ${secret}`).toContain(secret);
    }
    for (const [name, secret] of Object.entries(compose.secrets)) expect(secret.file, name).toMatch(/^\.\/secrets\/[\w.-]+$/);
    for (const service of Object.values(services)) for (const secret of secretNames(service)) expect(compose.secrets, secret).toHaveProperty(secret);
    expect(readRepositoryFile('.gitignore').split('\n')).toContain('/secrets/');
  });

  it('declares what services depend on, mount and join, and publishes the monitoring ports on loopback only', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies) expect(services, `${name} depends on ${dependency}`).toHaveProperty(dependency);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(statSync(new URL(source, repositoryRoot)).isFile() || statSync(new URL(source, repositoryRoot)).isDirectory()).toBe(true);
        else expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source);
      }
      for (const network of service.networks ?? []) expect(compose.networks, `${name}: network ${network}`).toHaveProperty(network);
    }
    for (const name of ['prometheus', 'alertmanager', 'grafana']) for (const mapping of services[name]!.ports ?? []) expect(mapping, name).toMatch(/^127\.0\.0\.1:/);
  });

  it('runs the Alertmanager Prometheus sends to, with its configuration, routing every severity the alert rules use', () => {
    const targets = prometheus.alerting.alertmanagers.flatMap((manager) => manager.static_configs.flatMap((config) => config.targets));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const [host, port] = target.split(':');
      const service = services[host!];
      expect(service, `prometheus.yml sends alerts to ${target}`).toBeDefined();
      expect(service!.ports?.some((mapping) => mapping.endsWith(`:${port}`)), `${host} serves port ${port}`).toBe(true);
      const configFlag = service!.command?.find((argument) => argument.startsWith('--config.file='));
      const mounted = service!.volumes?.find((volume) => volume.split(':')[1] === configFlag?.split('=')[1]);
      expect(mounted, `${host} mounts the file its --config.file names`).toBeDefined();
    }
    expect(services.prometheus!.depends_on).toContain('alertmanager');

    interface Route { receiver?: string; matchers?: string[]; routes?: Route[] }
    const alertmanager = readYaml<{ route: Route; receivers: Array<{ name: string }> }>('deploy/alertmanager/alertmanager.yml');
    const receivers = new Set(alertmanager.receivers.map((receiver) => receiver.name));
    const routes = (route: Route): Route[] => [route, ...(route.routes ?? []).flatMap(routes)];
    for (const route of routes(alertmanager.route)) if (route.receiver) expect(receivers, `route to ${route.receiver}`).toContain(route.receiver);
    const rules = readYaml<{ groups: Array<{ rules: Array<{ alert?: string; labels?: { severity?: string } }> }> }>('deploy/prometheus/alerts.yml');
    const severities = new Set(rules.groups.flatMap((group) => group.rules.map((rule) => rule.labels?.severity)).filter((severity): severity is string => Boolean(severity)));
    expect(severities.size).toBeGreaterThan(0);
    const routed = alertmanager.route.routes?.flatMap((route) => route.matchers ?? []) ?? [];
    for (const severity of severities) expect(routed, `severity ${severity} is routed`).toContain(`severity="${severity}"`);
  });
});
