/**
 * A fixture's assertions checked against a dry run's report. Each failure names what was
 * expected and what happened, in words a CI log reader can act on.
 */
import canonicalize from "canonicalize";
import type { JsonValue } from "../run";
import type { Expectations, ExpectedRequest } from "./fixture";
import type { DryRunReport, DryRunRequest } from "./report";

export interface ExpectationFailure {
	/** What was checked: "result", "path", "outputs", "requests.notify", "requests.notify[1].body". */
	check: string;
	message: string;
	expected: unknown;
	actual: unknown;
}

export interface ExpectationOutcome {
	/** What was checked, in fixture order. */
	checked: string[];
	failures: ExpectationFailure[];
}

const same = (a: unknown, b: unknown) => canonicalize(a) === canonicalize(b);
const show = (value: unknown) => JSON.stringify(value);

export function checkExpectations(report: DryRunReport, expect: Expectations): ExpectationOutcome {
	const checked: string[] = ["result"];
	const failures: ExpectationFailure[] = [];
	const fail = (check: string, message: string, expected: unknown, actual: unknown) =>
		failures.push({ check, message, expected, actual });

	if (report.result !== expect.result) {
		const why = report.error ? ` (${report.error.code}: ${report.error.message})` : "";
		fail(
			"result",
			`expected the run to end ${expect.result}, it ended ${report.result ?? "unfinished"}${why}`,
			expect.result,
			report.result,
		);
	}
	if (expect.path !== undefined) {
		checked.push("path");
		if (!same(expect.path, report.path)) {
			fail(
				"path",
				`expected the path ${expect.path.join(" → ") || "(none)"}, took ${report.path.join(" → ") || "(none)"}`,
				expect.path,
				report.path,
			);
		}
	}
	if (expect.outputs !== undefined) {
		checked.push("outputs");
		if (!same(expect.outputs, report.outputs)) {
			fail(
				"outputs",
				`expected outputs ${show(expect.outputs)}, got ${show(report.outputs)}`,
				expect.outputs,
				report.outputs,
			);
		}
	}
	for (const [node, wanted] of Object.entries(expect.requests ?? {})) {
		const check = `requests.${node}`;
		checked.push(check);
		const list = Array.isArray(wanted) ? wanted : [wanted];
		const sent = report.requests.filter((r) => r.node === node);
		if (sent.length !== list.length) {
			fail(
				check,
				`expected ${node} to send ${list.length} request(s), it sent ${sent.length}`,
				list.length,
				sent.length,
			);
			continue;
		}
		list.forEach((expected, i) => {
			const actual = sent[i] as DryRunRequest;
			for (const failure of requestMismatches(expected, actual)) {
				fail(`${check}[${i}].${failure.field}`, failure.message, failure.expected, failure.actual);
			}
		});
	}
	return { checked, failures };
}

function requestMismatches(expected: ExpectedRequest, actual: DryRunRequest) {
	const out: Array<{ field: string; message: string; expected: unknown; actual: unknown }> = [];
	const where = `${actual.node}${actual.item === null ? "" : `#${actual.item}`} attempt ${actual.attempt}`;
	if (expected.method !== undefined && expected.method.toUpperCase() !== actual.method) {
		out.push({
			field: "method",
			message: `${where}: expected method ${expected.method}, sent ${actual.method}`,
			expected: expected.method,
			actual: actual.method,
		});
	}
	if (expected.url !== undefined && expected.url !== actual.url) {
		out.push({
			field: "url",
			message: `${where}: expected URL ${expected.url}, sent ${actual.url}`,
			expected: expected.url,
			actual: actual.url,
		});
	}
	for (const [name, value] of Object.entries(expected.headers ?? {})) {
		const sent = headerValue(actual.headers, name);
		if (sent !== value) {
			out.push({
				field: `headers.${name}`,
				message: `${where}: expected header ${name}: ${value}, sent ${sent === undefined ? "none" : sent}`,
				expected: value,
				actual: sent ?? null,
			});
		}
	}
	if (expected.body !== undefined && !contains(actual.body, expected.body)) {
		out.push({
			field: "body",
			message: `${where}: expected body ${show(expected.body)}, sent ${show(actual.body)}`,
			expected: expected.body,
			actual: actual.body,
		});
	}
	return out;
}

/**
 * Does `actual` hold `expected`? An object holds another when it has each of its keys with a
 * value that holds that key's value, so a test names only the fields it cares about; arrays
 * and scalars must be equal.
 */
export function contains(actual: JsonValue, expected: JsonValue): boolean {
	if (isObject(expected)) {
		return (
			isObject(actual) &&
			Object.entries(expected).every(
				([key, value]) => key in actual && contains(actual[key] as JsonValue, value),
			)
		);
	}
	return same(actual, expected);
}

const isObject = (v: JsonValue): v is { [key: string]: JsonValue } =>
	typeof v === "object" && v !== null && !Array.isArray(v);

function headerValue(headers: Record<string, string>, name: string): string | undefined {
	const lower = name.toLowerCase();
	return Object.entries(headers).find(([n]) => n.toLowerCase() === lower)?.[1];
}
