import { readFileSync } from 'node:fs';

/**
 * The whole machine's CPU time from /proc/stat (every process: the database, the workers, the
 * load generators), so a benchmark can say whether the machine had cores to spare. Linux only;
 * elsewhere `busyShare` returns undefined.
 */
export interface CpuSample {
  busy: number;
  total: number;
}

export function sampleMachineCpu(): CpuSample | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
    const idleTime = idle! + iowait!;
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busy, total: busy + idleTime };
  } catch {
    return undefined;
  }
}

/** The share of all cores busy between two samples, 0..1. */
export function busyShare(before: CpuSample | undefined, after: CpuSample | undefined): number | undefined {
  if (!before || !after || after.total === before.total) return undefined;
  return (after.busy - before.busy) / (after.total - before.total);
}
