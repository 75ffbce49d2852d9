/** A calendar month (C14, I8) as every input names it: "YYYY-MM", in the policy's month zone. */
import { z } from 'zod';

export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month "YYYY-MM"');
