/**
 * A host without I/O for the reducer's tests: it keeps what the real host keeps (state,
 * controls, the alarm as set) and applies each decision the way the real host persists it,
 * so a scenario can walk a run through several inputs and look at each decision.
 */
import { workflowShapeSchema } from "../../definition";
import { type AttemptOutcome, prepare } from "../../run";
import { chain, type Json } from "../../run/test/defs";
import { T0 } from "../../run/test/driver";
import {
	type Command,
	type Controls,
	type Decision,
	decide,
	EMPTY_OUTBOX,
	type HostedRun,
	type HostInput,
	type LinkEnv,
	NEW_ADMISSION,
	NO_LINKS,
	type RunMeta,
} from "../index";

export { T0 };

export const HOOK = "https://api.example.com/hook";

export class TestHost {
	readonly run: HostedRun;
	now = T0;
	/** Controls as the last decision wrote them (a transition's row, or `writeNow`). */
	stored: Partial<Controls> = {};
	readonly decisions: Decision[] = [];
	/** Callback tokens minted so far (`token<n>xxx…`). */
	minted = 0;
	/** Answer-link tokens and their sealer, when a scenario wants links made. */
	links: Pick<LinkEnv, "newToken" | "sealer"> = {};

	/**
	 * `confirmIndexWrites`: D1 answers every index write at once (fed back as index_written, as
	 * the real host does); false leaves the writes unanswered.
	 */
	constructor(
		definition: Json,
		private readonly options: { confirmIndexWrites: boolean } = { confirmIndexWrites: true },
		extra: Partial<RunMeta> = {},
	) {
		const runId = "run_1";
		const parsed = workflowShapeSchema.parse(definition);
		const meta: RunMeta = {
			runId,
			tenantId: "acme",
			workflow: { id: "wf_1", identifier: parsed.identifier, title: "Test", version: 1 },
			definition: parsed,
			initiator: "alice",
			requestedBy: "alice",
			inputs: {},
			scope: { type: "GLOBAL" },
			notificationRecipients: [],
			retryOf: null,
			createdAt: T0,
			...extra,
		};
		this.run = {
			meta,
			plan: prepare(parsed),
			state: null,
			controls: {
				admission: NEW_ADMISSION,
				outbox: EMPTY_OUTBOX,
				links: NO_LINKS,
				notifications: [],
				answerLinks: [],
			},
			alarmAt: null,
			callsInFlight: [],
		};
	}

	feed(input: HostInput): Decision {
		const decision = decide(this.run, input, {
			now: this.now,
			random: () => 0.5,
			...this.links,
			callbacks: {
				mint: () => {
					this.minted += 1;
					const token = `token${this.minted}`.padEnd(43, "x");
					return { token, url: `https://stepline.test/callbacks/run.${token}` };
				},
			},
		});
		if (decision.transition) {
			this.run.state = decision.transition.state;
			this.stored = { ...decision.controls };
		}
		for (const name of decision.writeNow)
			this.stored = { ...this.stored, [name]: decision.controls[name] };
		this.run.controls = decision.controls;
		for (const command of [...decision.commands, ...decision.background]) {
			if (command.kind === "set_alarm") this.run.alarmAt = command.at;
			if (command.kind === "delete_alarm") this.run.alarmAt = null;
		}
		this.decisions.push(decision);
		if (this.options.confirmIndexWrites)
			for (const command of [...decision.commands, ...decision.background])
				if (command.kind === "write_index")
					this.feed({ kind: "index_written", entry: command.entry });
		return decision;
	}

	/** Starts the run and answers the tenant's admission with `answer`. */
	admit(answer: "granted" | "queued" = "granted"): Decision {
		const asked = this.feed({ kind: "start" }).commands.find((c) => c.kind === "admit");
		if (asked?.kind !== "admit") throw new Error("the start asked no admission");
		return this.feed({
			kind: "admitted",
			first: asked.first,
			passing: asked.passing,
			answer: answer === "granted" ? { kind: "granted" } : { kind: "queued", position: 1 },
		});
	}

	/** Answers the newest outgoing call. */
	answerCall(outcome: AttemptOutcome = { kind: "response", response: okResponse }): Decision {
		const call = this.decisions
			.flatMap((d) => d.background)
			.filter((c) => c.kind === "http_request")
			.at(-1);
		if (call?.kind !== "http_request") throw new Error("no call to answer");
		const { node, item, attempt } = call;
		return this.feed({
			kind: "call_ended",
			result: { type: "attempt_result", node, item, attempt, outcome },
		});
	}

	/** Lets `ms` pass on the host's clock. */
	wait(ms: number): this {
		this.now += ms;
		return this;
	}
}

const okResponse = { status: 200, headers: {}, body: "{}", bodyTruncated: false };

export const kinds = (commands: Command[]) => commands.map((c) => c.kind);

/** trigger → condition-free chain of one WEBHOOK. */
export const oneCall = () =>
	chain({ identifier: "call", config: { type: "WEBHOOK", url: `${HOOK}/call` } });

/** trigger → WEBHOOK → DELAY 1 h → WEBHOOK. */
export const callWaitCall = () =>
	chain(
		{ identifier: "call", config: { type: "WEBHOOK", url: `${HOOK}/call` } },
		{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		{ identifier: "again", config: { type: "WEBHOOK", url: `${HOOK}/again` } },
	);

/** trigger → DELAY 1 h → WEBHOOK: parks in its first step, calling nothing. */
export const waitThenCall = () =>
	chain(
		{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		{ identifier: "call", config: { type: "WEBHOOK", url: `${HOOK}/call` } },
	);

/** trigger only: the run ends in its first step. */
export const instant = () => chain();
