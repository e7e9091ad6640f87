import { clientFromEnv, isApiError, printFailure } from "../api";
import { defineCommand, EXIT, UsageError } from "../command";
import { displayPath } from "../definitions";
import { plannedFolder } from "../folder";
import { stdout } from "../terminal";
import { status } from "./diff";

export const push = defineCommand({
	name: "push",
	summary: "Create or update the server's workflows from a folder",
	help: `stepline push <folder> [--prune]

Checks every definition offline, then stores each one that is new or changed on the server
(PUT /v1/workflows/{identifier}: a new version only where the definition changed; unchanged
workflows get no request). Workflows on the server that have no file in the folder are listed,
and deleted with --prune (a soft delete: their runs stay readable).

Exit status 1 when a definition is invalid (nothing is pushed), 3 when the API refuses one
(the others are still pushed).

Options:
  --prune   delete the server's workflows that are not in the folder`,
	options: { prune: { type: "boolean" } },
	async run({ values, positionals }) {
		const [dir, ...rest] = positionals;
		if (dir === undefined || rest.length > 0) throw new UsageError("name one folder");
		const client = clientFromEnv();
		const plans = await plannedFolder(client, dir);
		if (plans === EXIT.failed) return EXIT.failed;
		const { paint } = stdout;
		let refused = 0;
		for (const plan of plans) {
			try {
				switch (plan.kind) {
					case "new":
					case "changed": {
						const saved = await client.replaceWorkflow({
							params: { path: { identifier: plan.identifier } },
							body: plan.local.value as never,
						});
						const from = plan.kind === "changed" ? `v${plan.version} → ` : "";
						const what =
							plan.kind === "new"
								? status("created", paint.green)
								: status("updated", paint.yellow);
						stdout.line(
							`${what}${plan.identifier} ${from}v${saved.version} ${paint.dim(`(${displayPath(plan.local.file)})`)}`,
						);
						break;
					}
					case "unchanged":
						stdout.line(`${status("unchanged", paint.dim)}${plan.identifier} v${plan.version}`);
						break;
					case "server_only":
						if (values.prune === true) {
							await client.deleteWorkflow({ params: { path: { identifier: plan.identifier } } });
							stdout.line(`${status("deleted", paint.red)}${plan.identifier}`);
						} else {
							stdout.line(
								`${status("kept", paint.dim)}${plan.identifier} v${plan.version} (not in the folder; --prune deletes it)`,
							);
						}
						break;
				}
			} catch (error) {
				if (!isApiError(error)) throw error;
				refused += 1;
				printFailure(error, "local" in plan ? plan.local : undefined);
			}
		}
		return refused > 0 ? EXIT.api : EXIT.ok;
	},
});
