// The live feed behind the event stream: observe, draw, send to every open page. A new frame is
// started every interval even while earlier ones are still waiting for servers that do not
// answer, so a change shows within one interval plus one observation; a frame that finishes after
// a newer one is dropped. It runs only while a page listens: an idle server asks nothing.
import { setTimeout as sleep } from 'node:timers/promises';

type Send = (json: string) => void;

/** Frames in flight at once, at most: enough to overlap a slow observation, no pile-up. */
const MAX_IN_FLIGHT = 3;

export class LiveFeed {
  private readonly subscribers = new Set<Send>();
  private latest: string | undefined;
  private running = false;
  private closed = false;
  private started = 0;
  private sent = 0;
  private inFlight = 0;

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
        if (this.inFlight < MAX_IN_FLIGHT) void this.frame(++this.started);
        await sleep(this.intervalMs);
      }
    } finally {
      this.running = false;
    }
  }

  private async frame(seq: number): Promise<void> {
    this.inFlight++;
    try {
      const json = JSON.stringify(await this.next());
      if (seq < this.sent || this.closed) return;
      this.sent = seq;
      this.latest = json;
      for (const send of this.subscribers) send(json);
    } catch (e) {
      this.onError(e as Error);
    } finally {
      this.inFlight--;
    }
  }
}
