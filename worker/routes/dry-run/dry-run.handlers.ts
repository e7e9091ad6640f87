import type { RouteHandler } from "@hono/zod-openapi";
import type { WorkflowDefinition } from "../../../engine/definition";
import { dryRun } from "../../../engine/dry-run";
import type { JsonObject } from "../../../engine/run";
import type { AppEnv } from "../../env";
import { validationFailed } from "../../errors/api-error";
import { validateRunInputs } from "../../runs/inputs";
import { findTarget } from "../../runs/start-run";
import { saveTimeIssues } from "../../workflows/save-checks";
import type * as routes from "./dry-run.routes";

/**
 * POST /v1/workflows/{identifier}/dry-run: the engine plays the run in this request with the
 * fixture's answers (docs/ARCHITECTURE.md#dry-runs). Nothing is stored and nothing is sent, so
 * any role that may read the workflow may dry-run it.
 */
export const dryRunWorkflow: RouteHandler<typeof routes.dryRunWorkflow, AppEnv> = async (c) => {
	const principal = c.get("principal");
	const { identifier } = c.req.valid("param");
	const { version, definition: given, ...fixture } = c.req.valid("json");
	const { definition, number } = given
		? { definition: unsaved(identifier, given, version), number: 0 }
		: await stored(c.env, principal.tenantId, identifier, version);
	const outcome = dryRun(definition, fixture, {
		now: Date.now(),
		initiator: principal.subject,
		version: number,
		allowLoopbackTargets: c.env.ALLOW_LOOPBACK_TARGETS === "true",
		checkInputs: (form, inputs) => {
			const result = validateRunInputs(form, inputs);
			return result.ok ? { ok: true, inputs: result.inputs as JsonObject } : result;
		},
	});
	if (outcome.kind === "invalid")
		throw validationFailed(outcome.issues.map((i) => ({ in: "body" as const, ...i })));
	const { report, expectations } = outcome;
	return c.json(
		{ ...report, expectations: { passed: expectations.failures.length === 0, ...expectations } },
		200,
	);
};

async function stored(env: Env, tenantId: string, identifier: string, version?: number) {
	const target = await findTarget(env, tenantId, identifier, version ?? null);
	return { definition: target.definition, number: target.workflow.version };
}

/** An unsaved definition gets the checks a save would give it (the schema ran the rest). */
function unsaved(identifier: string, definition: WorkflowDefinition, version?: number) {
	const issues = saveTimeIssues(definition).map((i) => ({
		...i,
		pointer: `/definition${i.pointer}`,
	}));
	if (definition.identifier !== identifier) {
		issues.push({
			pointer: "/definition/identifier",
			code: "identifier_mismatch",
			message: `Must equal the identifier in the URL ("${identifier}").`,
		});
	}
	if (version !== undefined) {
		issues.push({
			pointer: "/version",
			code: "conflicting_fields",
			message: "Send `version` (a stored version) or `definition` (an unsaved one), not both.",
		});
	}
	if (issues.length > 0) throw validationFailed(issues.map((i) => ({ in: "body" as const, ...i })));
	return definition;
}
