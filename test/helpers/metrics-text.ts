/**
 * A small reader of Prometheus' text exposition format for tests: samples with their labels, and
 * the metric families a scrape declares.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const samplePattern = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPattern = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = samplePattern.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPattern)) labels[key!] = value!.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Families declared with `# TYPE` (a family may have no samples yet). */
export function declaredFamilies(text: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1]!, match[2]!);
  return families;
}

/** The value of the one sample with this name whose labels include `labels` exactly, or undefined. */
export function valueOf(text: string | Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const samples = typeof text === 'string' ? parseExposition(text) : text;
  const wanted = Object.entries(labels);
  const found = samples.filter((sample) => sample.name === name && Object.keys(sample.labels).length === wanted.length && wanted.every(([key, value]) => sample.labels[key] === value));
  return found.length === 1 ? found[0]!.value : undefined;
}
