import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime, simulatedModels } from '../helpers/runtime.js';
import { chromiumPath } from '../helpers/services.js';
import { launchChromium } from './chromium.js';

const executable = chromiumPath();
const artifacts = 'test-artifacts';

/**
 * The dashboard end to end in Debian's Chromium: a real server on PGlite with the simulated model
 * (slowed a little so a person could watch), the dashboard built from the current source.
 */
if (executable)
  describe('the dashboard in Chromium', () => {
    let runtime: Runtime;
    let app: FastifyInstance;
    let browser: Browser;
    let base: string;
    let built: string;

    beforeAll(async () => {
      built = mkdtempSync(join(tmpdir(), 'anvil-dashboard-'));
      // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
      const nodeEnvironment = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await build({ configFile: 'web/vite.config.ts', mode: 'production', logLevel: 'warn', build: { outDir: built, emptyOutDir: true } });
      } finally {
        process.env.NODE_ENV = nodeEnvironment;
      }
      runtime = await createTestRuntime(databaseVariants()[0]!, {}, simulatedModels({ latencyMs: 120 }));
      runtime.startWorker({ concurrency: 4 });
      app = await buildServer({ runtime, dashboard: { directory: built } });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
      const upload = await fetch(`${base}/api/v1/workflows`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: readFileSync('examples/quickstart.yaml', 'utf8') });
      expect(upload.status).toBe(201);
      browser = await launchChromium(executable);
      console.log(`browser: ${execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim()} (reports ${browser.version()}); playwright-core ${chromium.name()} driver ${playwrightVersion()}`);
      mkdirSync(artifacts, { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await runtime?.close();
      rmSync(built, { recursive: true, force: true });
    });

    async function launchRun(page: Page, goal: string): Promise<string> {
      await page.goto(`${base}/`);
      await page.getByLabel('Workflow').selectOption('quickstart');
      await page.getByLabel('Goal').fill(goal);
      await page.getByRole('button', { name: 'Launch' }).click();
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
      return page.url().split('/').pop()!;
    }

    it('launches the quick start from the form and watches every task reach done without a reload, then opens a transcript', async () => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const boardReads: string[] = [];
      page.on('request', (request) => {
        if (/\/api\/v1\/runs\/[^/]+\/(tasks|board)/.test(request.url())) boardReads.push(request.url());
      });
      const runId = await launchRun(page, 'add a streaming mode');
      await page.getByText('live', { exact: true }).waitFor();
      // Counted from here: a reload would fire another load event.
      let loads = 0;
      page.on('load', () => (loads += 1));
      const readsWhenOpened = boardReads.length;

      // Read through locators, not page functions: the server's Content-Security-Policy forbids eval.
      const board = page.locator('[data-board-ready]');
      await expect
        .poll(async () => {
          const total = Number(await board.getAttribute('data-task-count'));
          return total > 3 && Number(await board.getAttribute('data-done-count')) === total;
        }, { timeout: 90_000, interval: 200 })
        .toBe(true);
      await page.locator('.run-header .badge', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
      expect(loads).toBe(0);
      // The board was read once when the page opened; everything after came over the event stream.
      expect(boardReads, "board reads when the page opened").toHaveLength(1);
      expect(boardReads.length).toBe(readsWhenOpened);
      expect(await page.getByRole('region', { name: 'Phase implement' }).locator('.task-card').count()).toBeGreaterThan(0);
      await page.screenshot({ path: `${artifacts}/dashboard-run-${runId.slice(0, 8)}.png`, fullPage: true });

      await page.getByRole('region', { name: 'Phase analyze' }).locator('.task-card a').first().click();
      await page.waitForURL(/\/tasks\//);
      await page.getByText('Step 1', { exact: true }).first().waitFor();
      expect(await page.getByText('create_task').count()).toBeGreaterThan(0);
      expect(await page.locator('.badge-simulated').count()).toBeGreaterThan(0);
      await page.screenshot({ path: `${artifacts}/dashboard-transcript.png`, fullPage: true });
      await page.close();
    }, 150_000);

    it('cancels a second run from its page', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('dialog', (dialog) => void dialog.accept());
      await launchRun(page, 'a run to cancel');
      await page.getByRole('button', { name: 'Cancel run' }).click();
      await page.locator('.run-header .badge', { hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
      expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
      await page.screenshot({ path: `${artifacts}/dashboard-cancelled.png`, fullPage: true });
      await page.close();
    }, 60_000);

    it('serves the app for page paths and keeps JSON 404s for the API', async () => {
      const page = await fetch(`${base}/runs/not-a-run`);
      expect(page.headers.get('content-type')).toContain('text/html');
      const api = await fetch(`${base}/api/v1/nothing-here`);
      expect(api.status).toBe(404);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    });
  });

function playwrightVersion(): string {
  return (JSON.parse(readFileSync('node_modules/playwright-core/package.json', 'utf8')) as { version: string }).version;
}
