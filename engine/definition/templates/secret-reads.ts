import { references, templatesIn } from "../../expr";
import type { WorkflowNode } from "../types";
import { nodeSites } from "./sites";

/**
 * The tenant secrets a node's outgoing request names (`.secrets.NAME` in a WEBHOOK node's url,
 * headers, query or body), sorted and unique: what a run reads from the store before the node
 * calls out (docs/ARCHITECTURE.md#secrets). The save-time checks make every read name one
 * secret literally and keep secrets out of every other field, so this list is complete.
 */
export function secretsReadBy(node: WorkflowNode): string[] {
	const names = new Set<string>();
	for (const site of nodeSites(node, [])) {
		if (site.scope.kind !== "node" || site.scope.request !== true) continue;
		let spans: ReturnType<typeof templatesIn>;
		try {
			spans = templatesIn(site.text);
		} catch {
			continue; // refused at save time; the run fails the node when it renders it
		}
		for (const span of spans) {
			try {
				for (const name of references(span.expr).secrets) names.add(name);
			} catch {
				// Same: a template that does not parse never renders.
			}
		}
	}
	return [...names].sort();
}
