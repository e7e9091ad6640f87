// Workflow definitions the fault tests run against the fault receiver. The receiver reads
// its misbehaviour from the query string, so one definition covers every scripted case.

const hook = (base: string, node: string, query: string) =>
	`${base}/hook/{{ .run.id }}/${node}?${query}`;

/**
 * trigger → h1 (WEBHOOK, retried) → wait (DELAY) → check (CONDITION on .inputs.n) →
 * even: h2 | fallback: h3. Ends SUCCESS unless h1 exhausts its attempts.
 */
export function chainWorkflow(identifier: string, base: string, opts: ChainOptions) {
	const retry = {
		maxAttempts: opts.maxAttempts,
		backoff: "constant",
		initialDelay: opts.backoff,
	};
	const webhook = (node: string, query: string) => ({
		identifier: node,
		config: { type: "WEBHOOK", url: hook(base, node, query), method: "POST", body: { node } },
		retry,
		timeout: opts.timeout,
	});
	return {
		identifier,
		title: identifier,
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			webhook("h1", "fail={{ .inputs.fail }}&slow={{ .inputs.slow }}&p={{ .inputs.p }}"),
			{ identifier: "wait", config: { type: "DELAY", duration: opts.delay } },
			{
				identifier: "check",
				config: {
					type: "CONDITION",
					options: [{ identifier: "even", expression: ".inputs.n % 2 == 0" }],
				},
			},
			webhook("h2", "p={{ .inputs.p }}"),
			webhook("h3", "slow={{ .inputs.slow }}&p={{ .inputs.p }}"),
		],
		connections: [
			{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "h1" },
			{ identifier: "c2", sourceIdentifier: "h1", targetIdentifier: "wait" },
			{ identifier: "c3", sourceIdentifier: "wait", targetIdentifier: "check" },
			{
				identifier: "c4",
				sourceIdentifier: "check",
				sourceOptionIdentifier: "even",
				targetIdentifier: "h2",
			},
			{ identifier: "c5", sourceIdentifier: "check", fallback: true, targetIdentifier: "h3" },
		],
	};
}

export interface ChainOptions {
	maxAttempts: number;
	backoff: string;
	timeout: string;
	delay: string;
}

export interface ChainInputs {
	n: number;
	/** h1's first `fail` deliveries answer 503. */
	fail: number;
	/** h1's (and h3's) next delivery waits this long (ms); past the timeout it is a timeout. */
	slow: number;
	/** Chance that any delivery fails or hangs. */
	p: number;
}

/** A child that sleeps through a kill or two: trigger → DELAY; its output is its part. */
export function sleeperWorkflow(identifier: string, delay: string) {
	return {
		identifier,
		title: identifier,
		nodes: [
			{
				identifier: "trigger",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: { properties: { part: { type: "integer" } }, required: ["part"] },
				},
			},
			{ identifier: "sleep", config: { type: "DELAY", duration: delay } },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "sleep" }],
		outputs: { part: "{{ .inputs.part }}" },
	};
}

/** trigger → forEach over `.inputs.parts` of RUN_WORKFLOW `child`, waiting for each. */
export function parentWorkflow(identifier: string, child: string) {
	return {
		identifier,
		title: identifier,
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			{
				identifier: "each",
				forEach: { items: ".inputs.parts", concurrency: 2 },
				config: {
					type: "RUN_WORKFLOW",
					workflowIdentifier: child,
					inputs: { part: "{{ .item }}" },
				},
			},
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "each" }],
	};
}
