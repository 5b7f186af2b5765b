/** From this many files on, a terminal shows `writing 812/2033` while they are written. */
const COUNTED_WRITES = 200;

/** The counter on one terminal line, redrawn every 50 files and cleared at the end. */
export function writingCounter(total: number, write: (text: string) => void = (text) => process.stderr.write(text)): ((done: number) => void) | undefined {
  if (total < COUNTED_WRITES) return undefined;
  return (done) => {
    if (done % 50 === 0 || done === total) write(`\rwriting ${done}/${total}`);
    if (done === total) write("\r\u001b[2K");
  };
}
