import type { z } from "zod";
import { fromZodIssue } from "../../engine/definition";
import type { FieldIssue, IssueLocation } from "./api-error";

/**
 * One issue per offending field, with an RFC 6901 pointer. The mapping is the definition
 * module's, so a request's query string and a workflow body describe problems the same way
 * (an unknown key points at the key itself, a bad node type lists the known ones).
 */
export function issuesFromZod(error: z.ZodError, location: IssueLocation): FieldIssue[] {
	return error.issues.flatMap((issue) =>
		fromZodIssue(issue).map((found) => ({ in: location, ...found })),
	);
}
