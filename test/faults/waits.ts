// Runs that wait on the outside under the crash test (bench/README.md#crash-and-load-tests):
// INPUT nodes answered by people and async WEBHOOKs answered by callbacks, while the crash test
// SIGKILLs the whole `wrangler dev` process group. Every answer is sent until it is answered,
// each one twice at once and again after any failure, with the same Idempotency-Key (a
// response) or to the same callback URL (a callback), as retrying clients do. Afterwards:
// every response told 2xx is recorded, and nothing else; an INPUT with numOfResponders 2 took
// exactly two responses from its four racing responders; each callback counted once (one
// `signal_received`, the node's output is the callback's); every run ended SUCCESS.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DevProcess } from "../support/dev-process";
import { Api, type HistoryEvent, type RunView } from "./api";
import { waitAllCompleted } from "./checks";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RESPONDERS = ["r0@faults.test", "r1@faults.test", "r2@faults.test", "r3@faults.test"];

function approvalWorkflow() {
	return {
		identifier: "faults_approval",
		title: "Two approvals (crash test)",
		nodes: [
			{
				identifier: "trigger",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: { properties: { n: { type: "integer" } } },
				},
			},
			{
				identifier: "approve",
				config: {
					type: "INPUT",
					numOfResponders: 2,
					outlets: [{ identifier: "approved" }, { identifier: "rejected" }],
					responders: { users: RESPONDERS },
				},
			},
			{
				identifier: "done",
				config: { type: "CONDITION", options: [{ identifier: "yes", expression: "true" }] },
			},
		],
		connections: [
			{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "approve" },
			{
				identifier: "c2",
				sourceIdentifier: "approve",
				sourceOptionIdentifier: "approved",
				targetIdentifier: "done",
			},
		],
	};
}

function asyncWorkflow(base: string) {
	return {
		identifier: "faults_async",
		title: "A job that calls back (crash test)",
		nodes: [
			{
				identifier: "trigger",
				config: {
					type: "SELF_SERVE_TRIGGER",
					userInputs: { properties: { n: { type: "integer" } } },
				},
			},
			{
				identifier: "job",
				// Long enough that only a lost callback could time it out.
				timeout: "10m",
				// A request cut off on the way (a kill, a dropped connection) is sent again; each
				// attempt has its own callback URL, and only the live attempt's may count.
				retry: { maxAttempts: 5, backoff: "constant", initialDelay: "300ms" },
				config: {
					type: "WEBHOOK",
					url: `${base}/job/{{ .inputs.n }}`,
					method: "POST",
					synchronized: false,
				},
			},
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "job" }],
	};
}

/** A job runner: answers 202 and keeps every callback URL it is sent, per job. */
async function startJobRunner() {
	const callbacks = new Map<string, string[]>();
	const server: Server = createServer((req, res) => {
		const [, kind, n = ""] = new URL(req.url ?? "/", "http://jobs").pathname.split("/");
		req.resume();
		const url = req.headers["stepline-callback-url"];
		if (kind !== "job" || typeof url !== "string") {
			res.writeHead(404).end();
			return;
		}
		const urls = callbacks.get(n) ?? [];
		if (!urls.includes(url)) urls.push(url);
		callbacks.set(n, urls);
		res.writeHead(202, { "content-type": "application/json" }).end('{"queued":true}');
	});
	// Idle connections stay open (all are closed at the end), so none closes under a reuse.
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return {
		base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		callbacks,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export interface WaitFaults {
	/** Stops starting runs, lets every answer through, checks; the problems found. */
	finish(log: (m: string) => void): Promise<string[]>;
}

/** The outcome of sending one answer until it was answered. */
type Sent = { status: number; body: string } | null;

/** Sets both workflows up and starts the senders; call before the crash test's kills. */
export async function startWaitFaults(dev: DevProcess): Promise<WaitFaults> {
	const api = new Api(dev.baseUrl, await dev.token("crash-waits"));
	const responders = await Promise.all(
		RESPONDERS.map(async (sub) => ({ sub, token: await dev.token("crash-waits", "member", sub) })),
	);
	const jobs = await startJobRunner();
	await api.createWorkflow(approvalWorkflow());
	await api.createWorkflow(asyncWorkflow(jobs.base));

	let stopping = false;
	const approvals: string[] = [];
	const asyncRuns = new Map<string, number>();
	/** Per approval run: who was told 2xx. */
	const told = new Map<string, Set<string>>();
	/** Per async run: the callback answers it got. */
	const calledBack = new Map<string, number[]>();

	/** POSTs until a definite answer (not 5xx, not a network error); null if it never came. */
	const sendUntilAnswered = async (
		url: string,
		token: string | null,
		body: unknown,
		key?: string,
	) => {
		for (let attempt = 0; attempt < 400; attempt++) {
			try {
				const res = await fetch(url, {
					method: "POST",
					headers: {
						"content-type": "application/json",
						...(token ? { authorization: `Bearer ${token}` } : {}),
						...(key ? { "idempotency-key": key } : {}),
					},
					body: JSON.stringify(body),
					signal: AbortSignal.timeout(10_000),
				});
				const text = await res.text();
				if (res.status < 500) return { status: res.status, body: text };
			} catch {
				// down or restarting: the same answer again
			}
			await sleep(300);
		}
		return null;
	};

	const untilRun = async (id: string, done: (run: RunView) => boolean) => {
		for (let i = 0; i < 600 && !(stopping && i > 400); i++) {
			const run = await api.getRun(id);
			if (done(run)) return run;
			await sleep(250);
		}
		return null;
	};

	/** Four responders race, each sending the same response twice at once, then again. */
	const answerApproval = async (runId: string) => {
		await untilRun(runId, (r) => r.status !== "QUEUED" && r.status !== "IN_PROGRESS");
		const url = `${dev.baseUrl}/v1/runs/${runId}/inputs/approve`;
		const ok = new Set<string>();
		told.set(runId, ok);
		await Promise.all(
			responders.map(async ({ sub, token }) => {
				const key = `${runId}-${sub}`;
				const body = { outlet: "approved", comment: sub };
				const once = () => sendUntilAnswered(url, token, body, key);
				const answers: Sent[] = await Promise.all([once(), once()]);
				answers.push(await once());
				if (answers.some((a) => a?.status === 200)) ok.add(sub);
			}),
		);
	};

	/** The job calls back when the request reached it; to every URL it was given, twice. */
	const callBack = async (runId: string, n: number) => {
		// Until the request arrives, or the run ends without it (then the run is reported).
		let urls: string[] = [];
		for (let i = 0; urls.length === 0 && i < 1_200; i++) {
			urls = jobs.callbacks.get(String(n)) ?? [];
			if (urls.length > 0) break;
			if (i % 40 === 39 && (await api.getRun(runId)).status === "COMPLETED") break;
			await sleep(250);
		}
		const statuses: number[] = [];
		for (const url of urls) {
			const once = () => sendUntilAnswered(url, null, { status: "SUCCESS", output: { n } });
			const answers = await Promise.all([once(), once()]);
			answers.push(await once());
			for (const a of answers) if (a) statuses.push(a.status);
		}
		calledBack.set(runId, statuses);
	};

	const workers: Promise<void>[] = [];
	const starter = (async () => {
		for (let n = 0; !stopping; n++) {
			const [approval, job] = await Promise.all([
				api.startRun("faults_approval", { n }, `faults-approval-${n}`),
				api.startRun("faults_async", { n }, `faults-async-${n}`),
			]);
			approvals.push(approval.id);
			asyncRuns.set(job.id, n);
			workers.push(answerApproval(approval.id), callBack(job.id, n));
			await sleep(1_500);
		}
	})();

	return {
		async finish(log) {
			stopping = true;
			await starter;
			await Promise.all(workers);
			let finals: RunView[];
			try {
				finals = await waitAllCompleted(api, [...approvals, ...asyncRuns.keys()], 180_000, log);
			} catch (err) {
				await jobs.close();
				return [`waits: ${String(err)}`];
			}
			await jobs.close();
			const problems: string[] = [];
			for (const run of finals) {
				if (run.result !== "SUCCESS") problems.push(`${run.id}: ended ${run.result}, want SUCCESS`);
				const events = await api.events(run.id);
				if (asyncRuns.has(run.id))
					problems.push(...callbackProblems(run, events, asyncRuns, calledBack));
				else problems.push(...approvalProblems(run, events, told.get(run.id) ?? new Set()));
			}
			const taken = [...told.values()].reduce((sum, s) => sum + s.size, 0);
			log(
				`waits: ${approvals.length} approvals (${taken} responses told 2xx, 4 responders racing ` +
					`on each), ${asyncRuns.size} async calls called back (${[...calledBack.values()].flat().length} callbacks sent)`,
			);
			return problems;
		},
	};
}

/** Exactly two responses, each from someone told 2xx, nobody twice; the node decided once. */
function approvalProblems(run: RunView, events: HistoryEvent[], told: Set<string>): string[] {
	const problems: string[] = [];
	const output = run.nodeRuns.find((n) => n.node === "approve")?.output as
		| { outlet?: string; responses?: { by: string }[] }
		| undefined;
	const by = (output?.responses ?? []).map((r) => r.by);
	if (by.length !== 2 || new Set(by).size !== 2)
		problems.push(`${run.id}: responses ${JSON.stringify(by)}, want two people`);
	const recorded = new Set(by);
	for (const who of told)
		if (!recorded.has(who))
			problems.push(`${run.id}: ${who} was told 2xx, the run has no response`);
	for (const who of recorded)
		if (!told.has(who)) problems.push(`${run.id}: a response by ${who}, who was never told 2xx`);
	const received = events.filter((e) => e.type === "signal_received" && e.node === "approve");
	if (received.length !== 2)
		problems.push(`${run.id}: ${received.length} responses recorded in the history, want 2`);
	return problems;
}

/** The callback counted once: one `signal_received`, the output is the callback's. */
function callbackProblems(
	run: RunView,
	events: HistoryEvent[],
	asyncRuns: Map<string, number>,
	calledBack: Map<string, number[]>,
): string[] {
	const problems: string[] = [];
	const n = asyncRuns.get(run.id);
	const statuses = calledBack.get(run.id) ?? [];
	if (!statuses.includes(200)) {
		// What the job node did instead, so a failure can be traced.
		const job = run.nodeRuns.find((node) => node.node === "job");
		const attempts = (job?.attempts ?? []).map((a) => `${a.number}:${a.error?.code ?? "ok"}`);
		const last = events.slice(-6).map((e) => `${e.seq} ${e.type} ${e.detail}`);
		problems.push(
			`${run.id}: no callback was answered 2xx (${JSON.stringify(statuses)}); job ${job?.status}/${job?.result}, attempts ${attempts.join(" ")}; last events: ${last.join("; ")}`,
		);
	}
	const output = run.nodeRuns.find((node) => node.node === "job")?.output;
	if (JSON.stringify(output) !== JSON.stringify({ n }))
		problems.push(`${run.id}: job output ${JSON.stringify(output)}, want ${JSON.stringify({ n })}`);
	const received = events.filter((e) => e.type === "signal_received" && e.node === "job");
	if (received.length !== 1)
		problems.push(`${run.id}: ${received.length} callbacks recorded, want 1`);
	return problems;
}
