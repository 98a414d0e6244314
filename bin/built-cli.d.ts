/** What the build writes beside the built command: when it started, and the size of each file it read. */
export interface BuildStamp {
  /** Before the first file was read, less the coarseness of file times: a file written later is newer. */
  readonly startedAtMs: number;
  /** Every file the build read, relative to the project root, with its size in bytes. */
  readonly inputs: Readonly<Record<string, number>>;
}

export declare const BUILT_CLI_DIR: string;
export declare const BUILT_CLI_ENTRY: string;
export declare const BUILD_STAMP: string;
export declare function builtCliIsCurrent(root: string): boolean;
