/** The support levels of C10 (the list itself is zod-free, for the workflow's validators). */
import { z } from 'zod';
import { LEVELS } from './message-checks';

export { LEVELS };
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;
