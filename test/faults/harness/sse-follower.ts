import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A client that follows one run's event stream to its `end`, as a browser's EventSource would:
 * when the connection drops it reconnects, to the next API node that answers, sending the
 * Last-Event-ID it last received. Every event's seq is kept, so the test can check that the
 * client saw 1..N exactly once each, whichever nodes served it.
 */
export interface Follower {
  runId: string;
  seqs: number[];
  reconnects: number;
  /** Nodes (base URLs) that served at least one connection. */
  servedBy: Set<string>;
  /** When the first connection after the first drop got its response headers. */
  resumedAt: number | undefined;
  done: Promise<void>;
  ended: boolean;
}

export function follow(runId: string, baseUrls: () => string[], { firstNode = 0, deadlineMs = 120_000 } = {}): Follower {
  const follower: Follower = { runId, seqs: [], reconnects: 0, servedBy: new Set(), resumedAt: undefined, ended: false, done: Promise.resolve() };
  follower.done = (async () => {
    const deadline = Date.now() + deadlineMs;
    let node = firstNode;
    while (!follower.ended && Date.now() < deadline) {
      const urls = baseUrls();
      const base = urls[node % urls.length]!;
      const last = follower.seqs[follower.seqs.length - 1];
      try {
        const response = await fetch(`${base}/api/v1/runs/${runId}/events`, { headers: last === undefined ? {} : { 'last-event-id': String(last) } });
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        if (follower.reconnects > 0) follower.resumedAt ??= Date.now();
        follower.servedBy.add(base);
        await readEvents(response, (event, id) => {
          if (event === 'end') follower.ended = true;
          else if (id !== undefined) follower.seqs.push(Number(id));
        });
      } catch {
        // The node went away (reset, refused): try the next one.
      }
      if (follower.ended) break;
      follower.reconnects += 1;
      node += 1;
      await sleep(100 + Math.random() * 200);
    }
  })();
  return follower;
}

async function readEvents(response: Response, onEvent: (event: string, id: string | undefined) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      let id: string | undefined;
      let data = false;
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data:')) data = true;
      }
      if (data) onEvent(event, id);
    }
  }
}
