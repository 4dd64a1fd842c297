/**
 * @module cli/progress-bar
 * A one-line progress bar on stderr, drawn only on a terminal (redrawn in place with `\r`);
 * elsewhere (pipes, CI logs) it prints nothing, so machine output stays clean.
 */
export class ProgressBar {
  readonly #write: (text: string) => void;
  readonly #enabled: boolean;
  #drawn = false;

  constructor(write: (text: string) => void, enabled: boolean) {
    this.#write = write;
    this.#enabled = enabled;
  }

  /** Draws `[#####.....] 3/9 label`; `total` 0 draws the label alone. */
  update(done: number, total: number, label: string): void {
    if (!this.#enabled) return;
    const width = 24;
    const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
    const bar = total > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ` : '';
    this.#write(`\r\u001b[2K${bar}${label}`);
    this.#drawn = true;
  }

  /** Clears the line so what follows starts clean. */
  done(): void {
    if (this.#enabled && this.#drawn) this.#write('\r\u001b[2K');
    this.#drawn = false;
  }
}
