/** One differential case: a jq expression and its input as JSON text. */
export type DifferentialCase = [expression: string, input: string];
