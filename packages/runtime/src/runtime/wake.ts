/**
 * The wait of a polling worker that a commit can cut short. A wake that comes while the
 * worker is busy is kept: its read may have run before that commit, so the next wait
 * returns at once instead of sleeping a whole poll interval past the event.
 *
 * After a wake, a pass may still find nothing: a commit becomes readable only when every
 * older transaction has ended (the catch-up fence), and the one holding it back sends no
 * signal of its own when it ends. So the waits right after a wake are short ones, before
 * the poll interval applies again.
 */
const AFTER_WAKE_MS = [10, 40, 160];

export class WakeablePause {
  private pending = false;
  private wakeCurrent: (() => void) | undefined;
  private shortWaitsLeft = 0;

  /** Ends the current wait, or the next one before it starts. */
  wake(): void {
    if (this.wakeCurrent) this.wakeCurrent();
    else this.pending = true;
  }

  /** Waits `ms` or until woken; true when woken. */
  pause(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.wakeCurrent = undefined;
        resolve(woken);
      };
      const timer = setTimeout(() => finish(false), ms);
      this.wakeCurrent = () => finish(true);
    });
  }

  /** The wait after a pass that found nothing to do: the poll interval, or a short one just after a wake. */
  async idle(pollMs: number): Promise<void> {
    const short = AFTER_WAKE_MS[AFTER_WAKE_MS.length - this.shortWaitsLeft];
    if (this.shortWaitsLeft > 0) this.shortWaitsLeft--;
    const woken = await this.pause(short === undefined ? pollMs : Math.min(short, pollMs));
    if (woken) this.shortWaitsLeft = AFTER_WAKE_MS.length;
  }
}
