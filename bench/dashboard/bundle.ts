import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The JavaScript a first visit must download before the app runs: the module script in
 * index.html and every chunk it preloads (lazy chunks are not initial). Sizes gzipped at level 9,
 * which is close to what a compressing proxy sends.
 */
export function initialJavaScript(buildDirectory: string): { files: string[]; gzipBytes: number; cssGzipBytes: number } {
  const html = readFileSync(join(buildDirectory, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((match) => match[1]!);
  const styles = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((match) => match[1]!);
  const gzipped = (path: string) => gzipSync(readFileSync(join(buildDirectory, path.replace(/^\//, ''))), { level: 9 }).length;
  return {
    files: scripts,
    gzipBytes: scripts.reduce((sum, path) => sum + gzipped(path), 0),
    cssGzipBytes: styles.reduce((sum, path) => sum + gzipped(path), 0),
  };
}
