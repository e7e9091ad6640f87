// The benchmark's Stepline definitions: a chain of N nodes after the trigger, either
// CONDITION nodes (pure engine work) or WEBHOOK nodes POSTing to the loopback receiver.

export type Kind = "condition" | "webhook";

export function chainDefinition(identifier: string, kind: Kind, nodes: number, url: string) {
	const list: unknown[] = [{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } }];
	const connections: unknown[] = [];
	let previous = "trigger";
	for (let i = 1; i <= nodes; i++) {
		const id = `n${i}`;
		list.push(
			kind === "condition"
				? {
						identifier: id,
						config: {
							type: "CONDITION",
							options: [{ identifier: "yes", expression: ".inputs.n >= 0" }],
						},
					}
				: {
						identifier: id,
						config: { type: "WEBHOOK", url, method: "POST", body: { node: id } },
						// step.do retries by default; give the webhook node retries too.
						retry: { maxAttempts: 3, backoff: "constant", initialDelay: "100ms" },
					},
		);
		connections.push({
			identifier: `c${i}`,
			sourceIdentifier: previous,
			targetIdentifier: id,
			// A condition's way on is its option; the trigger and webhooks have one plain exit.
			...(previous !== "trigger" && kind === "condition" ? { sourceOptionIdentifier: "yes" } : {}),
		});
		previous = id;
	}
	return { identifier, title: identifier, nodes: list, connections };
}

/** For start throughput: a run that starts, then waits an hour (the start path only). */
export function parkedDefinition(identifier: string) {
	return {
		identifier,
		title: identifier,
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			{ identifier: "park", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "park" }],
	};
}
