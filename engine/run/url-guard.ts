/**
 * Checks an outgoing URL before the engine asks the shell to call it (SSRF guard,
 * docs/ARCHITECTURE.md#outgoing-calls).
 *
 * We rely on the WHATWG URL parser (the same one `fetch` uses in Workers and Node): it
 * normalises numeric host spellings — `2130706433`, `0x7f.1`, `017700000001`, `127.1` all
 * become `127.0.0.1`, and IPv6 literals come out compressed (`[::ffff:7f00:1]`) — so we
 * classify the normalised host, never the raw text. Addresses are judged by the registry table
 * in special-addresses.ts, names by special-names.ts.
 *
 * Out of scope here: a public name that *resolves* to a private address at DNS time (DNS
 * rebinding). The engine cannot resolve names; the platform's egress is the backstop.
 * Redirects are not followed (the shell sends `redirect: "manual"`), so a 3xx pointing
 * inward is only ever a response, never a second call.
 */

import { parseHostAddress } from "./ip-address";
import { judgeAddress } from "./special-addresses";
import { judgeName } from "./special-names";

export interface UrlGuardOptions {
	/** Allow loopback targets only (127/8, ::1, localhost) — for local demos. */
	allowLoopbackTargets?: boolean;
}

export type UrlCheck = { kind: "allowed"; url: string } | { kind: "refused"; reason: string };

export function checkOutgoingUrl(raw: string, options: UrlGuardOptions = {}): UrlCheck {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { kind: "refused", reason: `"${truncate(raw)}" is not a valid absolute URL` };
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		return {
			kind: "refused",
			reason: `only http and https URLs can be called, not ${url.protocol.slice(0, -1)}`,
		};
	}
	if (url.username !== "" || url.password !== "") {
		return {
			kind: "refused",
			reason:
				"URLs with a user name or password (user:pass@host) are not allowed; send credentials in a header",
		};
	}
	const verdict = judgeHost(url.hostname.toLowerCase().replace(/\.$/, ""));
	if (verdict.kind === "allowed") return { kind: "allowed", url: url.href };
	if (verdict.loopback && options.allowLoopbackTargets === true) {
		return { kind: "allowed", url: url.href };
	}
	return { kind: "refused", reason: `${url.hostname} is ${verdict.why}; calls there are refused` };
}

type HostVerdict = { kind: "allowed" } | { kind: "refused"; why: string; loopback: boolean };

function judgeHost(host: string): HostVerdict {
	const address = parseHostAddress(host);
	if (address === null) {
		// The parser only lets bracketed IPv6 through, so an unreadable one is our gap: refuse.
		if (host.startsWith("["))
			return { kind: "refused", why: "an unreadable address", loopback: false };
		return judgeName(host);
	}
	const verdict = judgeAddress(address);
	if (verdict.kind === "allowed") return verdict;
	const { range, carried, loopback } = verdict;
	const where = `${range.name} (${range.prefix}${range.source === "" ? "" : `, ${range.source}`})`;
	return {
		kind: "refused",
		why: carried === undefined ? `in ${where}` : `an address carrying ${carried}, in ${where}`,
		loopback,
	};
}

function truncate(s: string): string {
	return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
