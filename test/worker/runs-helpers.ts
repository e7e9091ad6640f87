import { env } from "cloudflare:test";
import type { Principal } from "../../worker/auth/principal";
import { as, uniqueTenant } from "./helpers";

/** A workflow that waits an hour after a condition: runs stay WAITING until a test acts. */
export function waitingWorkflow(identifier = "waits", extra: Record<string, unknown> = {}) {
	return {
		identifier,
		title: `Waits (${identifier})`,
		nodes: [
			{
				identifier: "trigger",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: {
						properties: {
							message: { type: "string", minLength: 1 },
							priority: { type: "string", enum: ["low", "high"], default: "low" },
						},
						required: ["message"],
					},
				},
			},
			{
				identifier: "check",
				config: {
					type: "CONDITION",
					options: [{ identifier: "high", expression: '.inputs.priority == "high"' }],
				},
			},
			{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [
			{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "check" },
			{ identifier: "c2", sourceIdentifier: "check", fallback: true, targetIdentifier: "wait" },
		],
		...extra,
	};
}

/** A tenant with one workflow and callers of every role. */
export async function tenantWithWorkflow(definition: Record<string, unknown> = waitingWorkflow()) {
	const tenant = uniqueTenant("runs");
	const admin = await as({ tenant, role: "admin", sub: "admin@x" });
	const alice = await as({ tenant, role: "member", sub: "alice@x" });
	const bob = await as({ tenant, role: "member", sub: "bob@x" });
	const viewer = await as({ tenant, role: "viewer", sub: "vera@x" });
	const created = await admin.call("/v1/workflows", { method: "POST", body: definition });
	if (created.status !== 201)
		throw new Error(`could not create workflow: ${JSON.stringify(created.body)}`);
	return { tenant, admin, alice, bob, viewer, identifier: definition.identifier as string };
}

/** tenantWithWorkflow's alice as the Worker sees her, for calling the start functions directly. */
export const alicePrincipal = (tenantId: string): Principal => ({
	tenantId,
	subject: "alice@x",
	role: "member",
	scopes: null,
	credential: { kind: "jwt" },
});

/**
 * A workflows row written straight to D1, for listing tests that seed index rows: the listing
 * reads visibility (allowAnyoneToViewRuns) and descriptions from the workflow as it is now.
 */
export async function insertWorkflowRow(
	tenantId: string,
	row: { id: string; identifier: string; shared: boolean; description?: string; deleted?: boolean },
) {
	await env.DB.prepare(
		`INSERT INTO workflows (id, tenant_id, identifier, title, description, latest_version,
		   allow_anyone_to_view_runs, created_at, created_by, updated_at, updated_by, deleted_at)
		 VALUES (?, ?, ?, ?, ?, 1, ?, 0, 'seed', 0, 'seed', ?)`,
	)
		.bind(
			row.id,
			tenantId,
			row.identifier,
			`Title of ${row.identifier}`,
			row.description ?? null,
			row.shared ? 1 : 0,
			row.deleted ? 1 : null,
		)
		.run();
}
