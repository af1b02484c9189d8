/** Where a runtime command writes: the CLI's streams (structurally the CLI's `Io`), or buffers in tests. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: the progress display redraws one line when it is. */
  readonly isTty: boolean;
}
