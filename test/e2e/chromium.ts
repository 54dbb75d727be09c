import { chromium, type Browser } from 'playwright-core';

/**
 * Launches the system's Chromium headless, as the browser tests and the dashboard benchmark
 * both drive it: no sandbox (CI containers run as root), and none of the background traffic
 * (component updates, sync, safe-browsing lists) a test machine must not make.
 */
export const chromiumFlags = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: chromiumFlags });
}
