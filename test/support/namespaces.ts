/**
 * A Temporal namespace for each vitest worker process. Workflow IDs name a day (`daily/{date}`,
 * `day/{dataset}/{date}`), so two test files running the same day at once on the shared dev server
 * would attach to each other's runs and write each other's records; files run one after another
 * within a worker, so a namespace per worker keeps them apart. The dev server registers them all,
 * with courant's search attributes, when it starts.
 */
export const TEST_NAMESPACES = Array.from({ length: 16 }, (_, i) => `test-${i + 1}`);

/** This worker's namespace (`VITEST_POOL_ID` numbers the workers from 1). */
export function testNamespace(): string {
  const id = Number(process.env.VITEST_POOL_ID ?? '1');
  return TEST_NAMESPACES[(Math.max(id, 1) - 1) % TEST_NAMESPACES.length] ?? 'default';
}

/**
 * Where a test makes on purpose a workflow whose history its code cannot replay (a workflow task that
 * keeps failing, as an operator would meet one): registered with the others, but left out of the
 * suite's replay of every history.
 */
export const UNREPLAYABLE_NAMESPACE = 'unreplayable';
