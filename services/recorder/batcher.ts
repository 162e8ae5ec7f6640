// A queue that hands out batches sized by count and by time: a batch is ready when it is full or
// when its oldest item has waited long enough. The recorder's consumer pushes into it while the
// previous batch is being written, so fetching and writing overlap.

export class Batcher<T> {
  private items: T[] = [];
  private oldestAt = 0;
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly maxItems: number,
    private readonly maxWaitMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(maxItems >= 1) || !(maxWaitMs >= 0)) throw new RangeError('a batch needs at least one item and a wait >= 0 ms');
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.closed) return;
    const first = !this.items.length;
    if (first) this.oldestAt = this.now();
    this.items.push(item);
    // The first item starts the batch's clock; a full batch is ready at once.
    if (first || this.items.length >= this.maxItems) this.notify();
  }

  /** No more items will come: `take` hands out what is left, then empty batches. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Everything still queued, for handing back when the reader stops. */
  drain(): T[] {
    const all = this.items;
    this.items = [];
    return all;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private cut(): T[] {
    const batch = this.items.splice(0, this.maxItems);
    if (this.items.length) this.oldestAt = this.now();
    return batch;
  }

  /** The next batch: full, or as much as has come once the oldest item waited maxWaitMs; [] once closed and empty. */
  async take(): Promise<T[]> {
    for (;;) {
      if (this.items.length >= this.maxItems || this.closed) return this.cut();
      let timer: NodeJS.Timeout | undefined;
      const woken = new Promise<void>((resolve) => {
        this.wake = resolve;
        if (this.items.length) timer = setTimeout(resolve, Math.max(0, this.oldestAt + this.maxWaitMs - this.now()));
      });
      await woken;
      if (timer) clearTimeout(timer);
      this.wake = undefined;
      if (this.items.length && this.now() - this.oldestAt >= this.maxWaitMs) return this.cut();
    }
  }
}
