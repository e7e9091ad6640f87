import type { SignalAnswer } from "../../durable-objects";
import { ApiError, notFound, validationFailed } from "../errors/api-error";

/**
 * What a run answered an answer from outside (a callback, a person's response), as the
 * HTTP answer: taken or a repeat pass through; every refusal is the problem document that says
 * why, and means nothing changed (docs/ARCHITECTURE.md#waiting-on-the-outside).
 */
export function answerOfSignal(answer: SignalAnswer, what: string): "accepted" | "repeat" {
	switch (answer.kind) {
		case "accepted":
			return "accepted";
		case "repeat":
			return "repeat";
		case "no_such_run":
			throw notFound(what);
		case "refused":
			switch (answer.reason) {
				case "unknown":
					throw notFound(what);
				case "closed":
					throw new ApiError("conflict", `Nothing waits on this any more: ${answer.message}.`);
				case "unsigned":
					throw new ApiError("unauthorized", `${answer.message}.`);
				case "forbidden":
					throw new ApiError("forbidden", `You may not answer this: ${answer.message}.`);
				case "invalid":
					throw validationFailed(
						(answer.errors ?? [{ pointer: "/outlet", message: answer.message }]).map((e) => ({
							in: "body" as const,
							pointer: answer.errors ? `/inputs${e.pointer}` : e.pointer,
							code: answer.errors ? "input_invalid" : "unknown_outlet",
							message: e.message,
						})),
						`${answer.message[0]?.toUpperCase() ?? ""}${answer.message.slice(1)}.`,
					);
				default: {
					const unknown: never = answer.reason;
					throw new Error(`unknown refusal ${JSON.stringify(unknown)}`);
				}
			}
		case "cancelled":
		case "already_finished":
			throw new Error(`an answer from outside was answered as a cancel: ${answer.kind}`);
		default: {
			const unknown: never = answer;
			throw new Error(`unknown signal answer ${JSON.stringify(unknown)}`);
		}
	}
}
