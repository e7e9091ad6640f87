// Key rotation of tenant secrets, as docs/OPERATIONS.md documents it: values written under key
// k1, then SECRETS_MASTER_KEY="k2:…,k1:…" and `npm run secrets:reencrypt`, and every stored
// value is under k2 and opens with k2 alone.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseKeyRing } from "../../engine/crypto/keyring";
import { decryptSecret } from "../../engine/crypto/secret-box";
import { repoRoot, startDevServer } from "./harness";

const execFileAsync = promisify(execFile);
const wrangler = join(repoRoot, "node_modules/wrangler/bin/wrangler.js");
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" };
const k1 = `k1:${randomBytes(32).toString("base64")}`;
const k2 = `k2:${randomBytes(32).toString("base64")}`;
const stateDir = mkdtempSync(join(tmpdir(), "stepline-rotation-"));

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface Row {
	tenant_id: string;
	name: string;
	version: number;
	key_id: string;
	ciphertext: string;
}

async function storedRows(): Promise<Row[]> {
	const { stdout } = await execFileAsync(
		process.execPath,
		[
			wrangler,
			"d1",
			"execute",
			"DB",
			"--local",
			"--persist-to",
			stateDir,
			"--json",
			"--command",
			"SELECT tenant_id, name, version, key_id, ciphertext FROM secrets ORDER BY tenant_id, name",
		],
		{ cwd: repoRoot, env },
	);
	return (JSON.parse(stdout) as { results: Row[] }[])[0]?.results ?? [];
}

const reencrypt = (ring: string) =>
	execFileAsync(
		"npm",
		["run", "-s", "secrets:reencrypt", "--", "--local", "--persist-to", stateDir],
		{
			cwd: repoRoot,
			env: { ...env, SECRETS_MASTER_KEY: ring },
		},
	);

describe("rotating SECRETS_MASTER_KEY", () => {
	it("re-encrypts every value under the new key with npm run secrets:reencrypt", async () => {
		const values: Record<string, string> = {
			"acme/DEPLOY_TOKEN": "acme-deploy-value",
			"acme/SLACK_HOOK": "https://hooks.slack.test/T000/B000/xyz",
			"globex/DEPLOY_TOKEN": "globex-deploy-value",
		};
		const server = await startDevServer({ masterKey: k1, stateDir });
		try {
			for (const [path, value] of Object.entries(values)) {
				const [tenant, name] = path.split("/") as [string, string];
				const token = await server.token({ tenant, role: "admin" });
				const res = await fetch(`${server.baseUrl}/v1/secrets/${name}`, {
					method: "PUT",
					headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
					body: JSON.stringify({ value }),
				});
				expect(res.status, await res.text()).toBe(201);
			}
		} finally {
			await server.stop();
		}
		expect((await storedRows()).map((r) => r.key_id)).toEqual(["k1", "k1", "k1"]);

		const first = await reencrypt(`${k2},${k1}`);
		expect(first.stdout).toContain('re-encrypted 3 secrets under key "k2"');
		const rows = await storedRows();
		expect(rows.map((r) => [r.tenant_id, r.name, r.key_id, r.version])).toEqual([
			["acme", "DEPLOY_TOKEN", "k2", 1],
			["acme", "SLACK_HOOK", "k2", 1],
			["globex", "DEPLOY_TOKEN", "k2", 1],
		]);
		const onlyNew = parseKeyRing(k2);
		for (const row of rows) {
			const binding = { tenantId: row.tenant_id, name: row.name };
			expect(
				await decryptSecret(onlyNew, binding, { keyId: row.key_id, ciphertext: row.ciphertext }),
			).toBe(values[`${row.tenant_id}/${row.name}`]);
			expect(row.ciphertext).not.toContain(values[`${row.tenant_id}/${row.name}`]);
		}

		const again = await reencrypt(`${k2},${k1}`);
		expect(again.stdout).toContain('re-encrypted 0 secrets under key "k2"');
		// A ring without the key a value is under says which rows it cannot open, and fails.
		const k3 = `k3:${randomBytes(32).toString("base64")}`;
		const refused = await reencrypt(k3).then(
			() => null,
			(error: { code: number; stderr: string }) => error,
		);
		expect(refused?.code).toBe(1);
		expect(refused?.stderr).toMatch(/cannot re-encrypt acme\/DEPLOY_TOKEN: .*key id "k2"/);
	}, 240_000); // a wrangler dev and five wrangler d1 commands, on a shared machine
});
