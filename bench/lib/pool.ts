/**
 * Runs `task` for 0 … count-1 with at most `concurrency` in flight, each worker taking the next index as soon
 * as its previous task settles: a steady window, unlike batches that drain to zero between rounds. The first
 * task that throws stops every worker from taking more, and is rethrown once those in flight have settled, so
 * a server that stopped answering ends the measurement instead of timing out thousands of times.
 */
export async function inPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < count && !failed) {
      try {
        await task(next++);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(count, concurrency) }, worker));
  const first = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (first) throw first.reason;
}
