// The raw limit: a bare SQLite-backed Durable Object that does nothing but commit steps back
// to back, each a transaction writing a state row and a history row (what one Stepline
// transition writes at the least). No engine, no index, no admission: the floor.
import { DurableObject } from "cloudflare:workers";

export class RawSteps extends DurableObject {
	/** Nothing: the start-throughput ceiling for a design that creates one object per start. */
	async noop(): Promise<true> {
		return true;
	}

	async run(steps: number, url: string | null): Promise<number> {
		const sql = this.ctx.storage.sql;
		sql.exec(`CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, event TEXT NOT NULL)`);
		for (let i = 0; i < steps; i++) {
			if (url) {
				const res = await fetch(url, { method: "POST", body: JSON.stringify({ node: i }) });
				await res.arrayBuffer();
			}
			this.ctx.storage.transactionSync(() => {
				sql.exec(
					"INSERT OR REPLACE INTO state (id, value) VALUES (1, ?)",
					JSON.stringify({ step: i }),
				);
				sql.exec("INSERT INTO history (event) VALUES (?)", JSON.stringify({ type: "step", i }));
			});
		}
		return steps;
	}
}
