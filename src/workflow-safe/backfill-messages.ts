/** The backfill workflow's query and signals, importable by clients without the workflow itself. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BackfillProgress } from './backfill.js';

export const progressQuery = defineQuery<BackfillProgress>('progress');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
