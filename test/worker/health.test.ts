import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("answers health checks", async () => {
	const res = await SELF.fetch("https://stepline.test/healthz");
	expect(res.status).toBe(200);
	expect(await res.json()).toEqual({ ok: true });
});
