/**
 * Definition files on disk, checked exactly as the API checks a save: the definition format
 * and graph (engine/definition), then the save-time checks (worker/workflows/save-checks).
 * Every issue carries the file's line:column as well as the server's pointer and code.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import {
	type DefinitionIssue,
	validateDefinition,
	type WorkflowDefinition,
} from "../../engine/definition";
import { saveTimeIssues } from "../../worker/workflows/save-checks";
import { type JsonSource, parseJson } from "./json-source";
import type { Palette } from "./terminal";

export interface FileIssue {
	file: string;
	line: number;
	column: number;
	/** RFC 6901 pointer into the file's JSON, as the API's `errors[].pointer`. */
	pointer: string;
	/** The API's code: `unknown_target`, `template_syntax`, … (`malformed_json` for bad JSON). */
	code: string;
	message: string;
}

export type CheckedFile =
	| { file: string; ok: true; definition: WorkflowDefinition; source: JsonSource; value: unknown }
	| { file: string; ok: false; issues: FileIssue[] };

/** Fixtures live beside definitions as `<workflow>[.<case>].test.json`. */
export const isFixtureFile = (file: string) => file.endsWith(".test.json");

/** Files as given; a folder stands for every definition `*.json` under it, fixtures aside. */
export function definitionFiles(paths: string[]): string[] {
	return paths.flatMap((path) => {
		if (!statSync(path).isDirectory()) return [path];
		return jsonFilesUnder(path).filter((f) => !isFixtureFile(f));
	});
}

export function jsonFilesUnder(dir: string): string[] {
	const found: string[] = [];
	const walk = (at: string) => {
		for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) =>
			a.name.localeCompare(b.name),
		)) {
			if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
			const full = join(at, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name.endsWith(".json")) found.push(full);
		}
	};
	walk(dir);
	return found;
}

/** Reads, parses and checks one definition file. */
export function checkDefinitionFile(file: string): CheckedFile {
	const parsed = parseJson(readFileSync(file, "utf8"));
	if (!parsed.ok) {
		const { message, position } = parsed.error;
		return {
			file,
			ok: false,
			issues: [{ file, ...position, pointer: "", code: "malformed_json", message }],
		};
	}
	const result = validateDefinition(parsed.value);
	const issues = result.ok ? saveTimeIssues(result.definition) : result.issues;
	if (!result.ok || issues.length > 0) {
		return { file, ok: false, issues: issues.map((i) => placeIssue(file, parsed.source, i)) };
	}
	return {
		file,
		ok: true,
		definition: result.definition,
		source: parsed.source,
		value: parsed.value,
	};
}

export function placeIssue(file: string, source: JsonSource, issue: DefinitionIssue): FileIssue {
	const { line, column } = source.positionOf(issue.pointer, issue.position);
	return { file, line, column, pointer: issue.pointer, code: issue.code, message: issue.message };
}

/**
 * A folder's definitions, each identifier once: the second file that claims an identifier is
 * an issue (a push could not tell which one to store).
 */
export function checkFolder(files: string[]): CheckedFile[] {
	const seen = new Map<string, string>();
	return files.map((file): CheckedFile => {
		const checked = checkDefinitionFile(file);
		if (!checked.ok) return checked;
		const { identifier } = checked.definition;
		const first = seen.get(identifier);
		if (first === undefined) {
			seen.set(identifier, file);
			return checked;
		}
		return {
			file,
			ok: false,
			issues: [
				placeIssue(file, checked.source, {
					pointer: "/identifier",
					code: "duplicate_identifier",
					message: `"${identifier}" is also the identifier of ${first}`,
				}),
			],
		};
	});
}

export const displayPath = (file: string) => relative(process.cwd(), file) || file;

/** `file:line:column code pointer message`, as compilers print them (editors jump to it). */
export function issueLine(i: FileIssue, paint: Palette): string {
	return `${paint.bold(`${displayPath(i.file)}:${i.line}:${i.column}`)} ${paint.red(i.code)} ${paint.dim(i.pointer || "/")} ${i.message}`;
}
