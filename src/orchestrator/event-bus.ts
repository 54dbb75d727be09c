import { EventEmitter } from 'node:events';
import type { Database } from '../store/database.js';
import { eventsChannel } from '../store/queue/index.js';

export interface EventSignal {
  runId: string;
  seq: number;
  /**
   * The listening connection was lost and reopened (PostgreSQL restarted): signals may have been
   * missed, so every subscriber re-reads what it follows. `runId` is empty and `seq` 0.
   */
  resync?: true;
}

/**
 * Observers (SSE, metrics, the CLI's progress view) learn that a run has new events through
 * this bus and read them from the events table, which stays the single ordered truth. Signals
 * come from the database's NOTIFY, so events written by any process reach every process that
 * shares the database (PostgreSQL), and the embedded database behaves the same way.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private unlisten: (() => Promise<void>) | undefined;

  constructor() {
    // Every SSE client subscribes; the default cap of 10 would warn under ordinary load.
    this.emitter.setMaxListeners(0);
  }

  async connect(database: Database): Promise<void> {
    this.unlisten = await database.listen(
      eventsChannel,
      (payload) => {
        const [runId, seq] = payload.split(':');
        if (runId && seq) this.publish({ runId, seq: Number(seq) });
      },
      () => this.publish({ runId: '', seq: 0, resync: true }),
    );
  }

  publish(signal: EventSignal): void {
    this.emitter.emit('event', signal);
  }

  /** Subscribes to every run's signals; returns the unsubscribe function. */
  subscribe(listener: (signal: EventSignal) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.emitter.removeAllListeners();
  }
}
