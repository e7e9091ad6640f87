import type { WorkflowDefinition } from "../../engine/definition";
import { tickAfter } from "../../engine/schedule/cron";
import type { WantedTrigger } from "../db/triggers.repo";

/** 128 random bits, URL-safe: the id in a webhook URL is its only credential. */
export function newHookId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let text = "";
	for (const byte of bytes) text += String.fromCharCode(byte);
	return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The trigger rows a version asks for: every WEBHOOK_TRIGGER, SCHEDULE_TRIGGER and
 * EVENT_TRIGGER node (self-serve triggers need none: the API starts them by name).
 */
export function wantedTriggers(definition: WorkflowDefinition, now: number): WantedTrigger[] {
	const wanted: WantedTrigger[] = [];
	for (const node of definition.nodes) {
		const config = node.config;
		const base = { node: node.identifier, config: config as Record<string, unknown> };
		switch (config.type) {
			case "WEBHOOK_TRIGGER":
				wanted.push({
					...base,
					type: config.type,
					eventType: null,
					nextTickAt: null,
					newHookId: newHookId(),
				});
				break;
			case "SCHEDULE_TRIGGER":
				wanted.push({
					...base,
					type: config.type,
					eventType: null,
					nextTickAt: tickAfter(config.cron, config.timezone, now),
					newHookId: null,
				});
				break;
			case "EVENT_TRIGGER":
				wanted.push({
					...base,
					type: config.type,
					eventType: config.event.type,
					nextTickAt: null,
					newHookId: null,
				});
				break;
			case "SELF_SERVE_TRIGGER":
			case "WEBHOOK":
			case "CONDITION":
			case "INPUT":
			case "DELAY":
			case "RUN_WORKFLOW":
				break;
			default: {
				const unknown: never = config;
				throw new Error(`unknown node type ${JSON.stringify(unknown)}`);
			}
		}
	}
	return wanted;
}
