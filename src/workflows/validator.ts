/**
 * Update validators from zod schemas: a bad field rejects the update before it is recorded in
 * history, with a message naming the field (the client maps it to InvalidInputError).
 */
export function validator<T>(schema: {
  safeParse(
    v: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}) {
  return (input: unknown) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new Error(
        parsed.error.issues
          .map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`)
          .join('; '),
      );
    }
  };
}
