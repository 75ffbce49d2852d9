/**
 * The support levels of C10. Their own module, free of luxon and the rest of the policy schema,
 * because the ticket workflow's validators use it and workflow code should carry as little as
 * possible (every cached workflow holds its own copy of the modules it loads).
 */
import { z } from 'zod';

export const LEVELS = ['L1', 'L2', 'L3'] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;
