/** The scheduled verification of outputs: its input and output, plain types safe inside workflows. */

export interface VerifyOutputsInput {
  /** Paris days looked back from yesterday (yesterday included). */
  readonly lookbackDays: number;
}

export interface VerifyOutputsOutput {
  readonly from: string;
  readonly to: string;
  /** Succeeded day records checked, and the outputs they list. */
  readonly days: number;
  readonly outputs: number;
  /** Days marked `OutputsMissing` by this run. */
  readonly marked: number;
  /** Each day found wanting, with its number of outputs missing or changed. */
  readonly wanting: ReadonlyArray<{ readonly dataset: string; readonly date: string; readonly problems: number }>;
}
