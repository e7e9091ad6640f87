/** Definition builders for engine tests: plain JSON, as an author would write it. */
export type Json = Record<string, unknown>;

export const HOOK = "https://api.example.com/hook";

export function trigger(identifier = "trigger", extra: Json = {}): Json {
	return { identifier, config: { type: "SELF_SERVE_TRIGGER" }, ...extra };
}

export function webhook(identifier: string, extra: Json = {}, config: Json = {}): Json {
	return {
		identifier,
		config: { type: "WEBHOOK", url: `${HOOK}/${identifier}`, ...config },
		...extra,
	};
}

export function condition(
	identifier: string,
	options: Array<[string, string]>,
	extra: Json = {},
): Json {
	return {
		identifier,
		config: {
			type: "CONDITION",
			options: options.map(([id, expression]) => ({ identifier: id, expression })),
		},
		...extra,
	};
}

export function delay(identifier: string, config: Json, extra: Json = {}): Json {
	return { identifier, config: { type: "DELAY", ...config }, ...extra };
}

export function conn(source: string, target: string, extra: Json = {}): Json {
	const option =
		typeof extra.sourceOptionIdentifier === "string" ? `_${extra.sourceOptionIdentifier}` : "";
	const kind = extra.fallback ? "_fallback" : extra.onError ? "_error" : "";
	return {
		identifier: `${source}__${target}${option}${kind}`,
		sourceIdentifier: source,
		targetIdentifier: target,
		...extra,
	};
}

export function workflow(nodes: Json[], connections: Json[] = [], extra: Json = {}): Json {
	return { identifier: "wf", title: "Test workflow", nodes, connections, ...extra };
}

/** trigger → each node in a chain. */
export function chain(...nodes: Json[]): Json {
	const all = [trigger(), ...nodes];
	const connections = all
		.slice(1)
		.map((n, i) => conn(String(all[i]?.identifier), String(n.identifier)));
	return workflow(all, connections);
}

export function runWorkflow(identifier: string, config: Json, extra: Json = {}): Json {
	return { identifier, config: { type: "RUN_WORKFLOW", wait: false, ...config }, ...extra };
}
