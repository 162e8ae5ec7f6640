// The live feed behind the event stream: observe, draw, send to every open page, again after a
// pause; only while a page listens, so an idle server asks the supercluster nothing.
import { setTimeout as sleep } from 'node:timers/promises';

export type Send = (json: string) => void;

export class LiveFeed {
  private readonly subscribers = new Set<Send>();
  private latest: string | undefined;
  private running = false;
  private closed = false;

  /** `next` makes one frame (any JSON-able value); `onError` hears why one could not be made. */
  constructor(
    private readonly next: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {}

  /** Hear every frame from now on (the latest one at once); returns the unsubscribe. */
  subscribe(send: Send): () => void {
    this.subscribers.add(send);
    if (this.latest !== undefined) send(this.latest);
    if (!this.running) void this.loop();
    return () => this.subscribers.delete(send);
  }

  close(): void {
    this.closed = true;
    this.subscribers.clear();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.subscribers.size > 0) {
        try {
          this.latest = JSON.stringify(await this.next());
          for (const send of this.subscribers) send(this.latest);
        } catch (e) {
          this.onError(e as Error);
        }
        await sleep(this.intervalMs);
      }
    } finally {
      this.running = false;
    }
  }
}
