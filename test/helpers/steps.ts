/**
 * The steps of one scenario that build on each other (a ticket opened, then warned, then
 * breached…), each a test of its own. A step runs the steps before it that have not run yet, so
 * any one of them can run alone (`vitest run FILE -t NAME`) and still find the state it checks;
 * in a whole run each step runs once, in order, as its own test. The steps are the scenario's
 * order: a step's test never runs a step after it.
 */
import { it } from 'vitest';
import { TEST_TIMEOUT_MS } from './timeouts';

type Step = { name: string; run: () => Promise<void> | void; timeout: number; done?: Promise<void> };

export function scenario(): (name: string, run: () => Promise<void> | void, timeout?: number) => void {
  const steps: Step[] = [];
  const through = async (last: number) => {
    for (const [i, step] of steps.slice(0, last + 1).entries()) {
      step.done ??= Promise.resolve().then(step.run);
      if (i === last) return step.done;
      await step.done.catch((cause: unknown) => {
        throw new Error(`an earlier step of this scenario failed: ${step.name}`, { cause });
      });
    }
  };
  return (name, run, timeout = TEST_TIMEOUT_MS) => {
    const index = steps.push({ name, run, timeout }) - 1;
    // Run alone, a step's test also runs the steps before it: each gets its own time.
    const upTo = steps.reduce((sum, step) => sum + step.timeout, 0);
    it(name, () => through(index), upTo);
  };
}
