/**
 * The D1 rows of a run's input requests (docs/ARCHITECTURE.md#input-requests): the index
 * entry's requests, with what each node asks (form, buttons, responders) taken from the run's
 * pinned definition at write time, so the entry stored with every transition stays small.
 */
import type { RunIndexEntry } from "../../engine/control";
import { inputRequestKey } from "../../engine/control/input-requests";
import { inputConfigOf, type Plan, respondingRoles } from "../../engine/run";
import type { InputRequestInsert } from "../../worker/db/input-requests.repo";
import { inputRequestForm } from "./waiting-view";

export function inputRequestRows(plan: Plan, entry: RunIndexEntry): InputRequestInsert[] {
	return (entry.inputRequests ?? []).map((request) => {
		const asks = inputRequestForm(plan, request.node);
		const config = inputConfigOf(plan, request.node);
		return {
			id: `${entry.id}/${inputRequestKey(request)}`,
			tenantId: entry.tenantId,
			runId: entry.id,
			node: request.node,
			item: request.item,
			workflowId: entry.workflowId,
			workflowIdentifier: entry.workflowIdentifier,
			workflowTitle: entry.workflowTitle,
			workflowVersion: entry.version,
			initiatedBy: entry.initiatedBy,
			status: request.status,
			at: request.openedAt,
			dueAt: request.dueAt,
			closedAt: request.closedAt,
			title: request.title,
			description: request.description,
			form: asks.form,
			outlets: asks.outlets,
			buttons: asks.buttons,
			responders: asks.responders,
			// Resolved as the run checks a response (mayRespond), for the listing to match on.
			mayRoles: config ? [...respondingRoles(config)] : [],
			mayUsers: asks.responders.users ?? [],
			numOfResponders: asks.numOfResponders,
			allowInitiator: asks.allowInitiator,
			responses: request.responses,
			respondedBy: request.responses.map((r) => r.by),
			decided: request.decided,
			indexVersion: entry.indexVersion,
		};
	});
}
