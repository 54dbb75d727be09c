import pg from 'pg';

export interface ListenConnectionOptions {
  url: string;
  connectionTimeoutMs: number;
}

const reconnectMinMs = 100;
const reconnectMaxMs = 5_000;

/**
 * LISTEN on a connection of its own, kept for as long as the subscription lives. When the
 * connection drops (the server restarted, a proxy cut it) it is reopened with a doubling, jittered
 * delay; `onReconnect` then runs, because notifications sent while nobody listened are lost and
 * the subscriber must re-read the table they announce (the events table is the truth, NOTIFY
 * only a wake-up). The first connection must succeed: a process that cannot listen at start fails.
 */
export async function listenWithReconnect(
  options: ListenConnectionOptions,
  channel: string,
  onPayload: (payload: string) => void,
  onReconnect: () => void = () => {},
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delayMs = reconnectMinMs;

  const open = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: options.connectionTimeoutMs });
    let dropped = false;
    const onDrop = () => {
      if (dropped) return;
      dropped = true;
      next.removeAllListeners('notification');
      void next.end().catch(() => {});
      if (!stopped && client === next) schedule();
    };
    next.on('error', onDrop);
    next.on('end', onDrop);
    next.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      dropped = true;
      void next.end().catch(() => {});
      throw error;
    }
    client = next;
  };

  const schedule = () => {
    client = undefined;
    const wait = Math.round(delayMs * (0.8 + Math.random() * 0.4));
    delayMs = Math.min(delayMs * 2, reconnectMaxMs);
    retry = setTimeout(() => {
      if (stopped) return;
      open().then(
        () => {
          delayMs = reconnectMinMs;
          if (stopped) void client?.end().catch(() => {});
          else onReconnect();
        },
        () => {
          if (!stopped) schedule();
        },
      );
    }, wait);
    retry.unref();
  };

  await open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const current = client;
    client = undefined;
    await current?.end().catch(() => {});
  };
}
