/**
 * Checks an outgoing URL before the engine asks the shell to call it (SSRF guard).
 *
 * We rely on the WHATWG URL parser (the same one `fetch` uses in Workers and Node): it
 * normalises numeric host spellings — `2130706433`, `0x7f.1`, `017700000001`, `127.1` all
 * become `127.0.0.1`, and IPv6 literals come out compressed (`[::ffff:7f00:1]`) — so we
 * classify the normalised host, never the raw text.
 *
 * Out of scope here: a hostname that *resolves* to a private address at DNS time (DNS
 * rebinding). The engine cannot resolve names; the platform's egress is the backstop.
 */

export interface UrlGuardOptions {
	/** Allow loopback targets only (127/8, ::1, localhost) — for local demos. */
	allowLoopbackTargets?: boolean;
}

export type UrlCheck = { kind: "allowed"; url: string } | { kind: "refused"; reason: string };

type AddressClass =
	| "public"
	| "loopback"
	| "private"
	| "link-local"
	| "cgnat"
	| "metadata"
	| "unspecified"
	| "unique-local"
	| "multicast"
	| "reserved";

const METADATA_HOSTNAMES = new Set(["metadata.google.internal", "metadata"]);

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
	const host = url.hostname.toLowerCase().replace(/\.$/, "");
	const cls = classifyHost(host);
	if (cls === "public") return { kind: "allowed", url: url.href };
	if (cls === "loopback" && options.allowLoopbackTargets === true) {
		return { kind: "allowed", url: url.href };
	}
	return {
		kind: "refused",
		reason: `${url.hostname} is ${describeClass(cls)}; calls there are refused`,
	};
}

function classifyHost(host: string): AddressClass {
	if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
	if (METADATA_HOSTNAMES.has(host)) return "metadata";
	if (host.startsWith("[") && host.endsWith("]")) {
		const groups = parseIpv6(host.slice(1, -1));
		return groups === null ? "reserved" : classifyIpv6(groups);
	}
	const v4 = parseDottedIpv4(host);
	return v4 === null ? "public" : classifyIpv4(v4);
}

/** The parser already normalised every IPv4 spelling to four decimal octets. */
function parseDottedIpv4(host: string): number[] | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (m === null) return null;
	const octets = m.slice(1).map(Number);
	return octets.every((o) => o <= 255) ? octets : null;
}

function classifyIpv4(o: number[]): AddressClass {
	const [a = 0, b = 0, c = 0, d = 0] = o;
	if (a === 169 && b === 254 && c === 169 && d === 254) return "metadata";
	if (a === 127) return "loopback";
	if (a === 0) return "unspecified";
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
	if (a === 169 && b === 254) return "link-local";
	if (a === 100 && b >= 64 && b <= 127) return "cgnat";
	if (a >= 224 && a <= 239) return "multicast";
	// 240/4 (incl. broadcast), 192.0.0/24 protocol assignments, 198.18/15 benchmarking.
	if (a >= 240 || (a === 192 && b === 0 && c === 0) || (a === 198 && (b === 18 || b === 19))) {
		return "reserved";
	}
	return "public";
}

/** Parses a (normalised) IPv6 literal into eight 16-bit groups. */
function parseIpv6(text: string): number[] | null {
	const zoneless = text.split("%")[0] ?? "";
	const halves = zoneless.split("::");
	if (halves.length > 2) return null;
	const parse = (part: string): number[] | null => {
		if (part === "") return [];
		const out: number[] = [];
		for (const piece of part.split(":")) {
			if (piece.includes(".")) {
				const v4 = parseDottedIpv4(piece);
				if (v4 === null) return null;
				out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
			} else {
				if (!/^[0-9a-f]{1,4}$/i.test(piece)) return null;
				out.push(Number.parseInt(piece, 16));
			}
		}
		return out;
	};
	const head = parse(halves[0] ?? "");
	const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
	if (head === null || tail === null) return null;
	const missing = 8 - head.length - tail.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
	return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function classifyIpv6(g: number[]): AddressClass {
	const at = (i: number): number => g[i] ?? 0;
	const firstSixZero = [0, 1, 2, 3, 4, 5].every((i) => at(i) === 0);
	const embeddedV4 = (hi: number, lo: number): number[] => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
	if (firstSixZero && at(6) === 0 && at(7) === 0) return "unspecified";
	if (firstSixZero && at(6) === 0 && at(7) === 1) return "loopback";
	// fd00:ec2::254 — the AWS metadata service over IPv6.
	if (
		at(0) === 0xfd00 &&
		at(1) === 0xec2 &&
		[2, 3, 4, 5, 6].every((i) => at(i) === 0) &&
		at(7) === 0x254
	) {
		return "metadata";
	}
	// ::a.b.c.d (IPv4-compatible, deprecated) and ::ffff:a.b.c.d (IPv4-mapped) reach IPv4 hosts.
	const mapped = [0, 1, 2, 3, 4].every((i) => at(i) === 0) && at(5) === 0xffff;
	if (firstSixZero || mapped) return classifyIpv4(embeddedV4(at(6), at(7)));
	// 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) also carry an IPv4 address.
	if (at(0) === 0x64 && at(1) === 0xff9b && [2, 3, 4, 5].every((i) => at(i) === 0)) {
		return classifyIpv4(embeddedV4(at(6), at(7)));
	}
	if (at(0) === 0x2002) return classifyIpv4(embeddedV4(at(1), at(2)));
	if ((at(0) & 0xfe00) === 0xfc00) return "unique-local";
	if ((at(0) & 0xffc0) === 0xfe80) return "link-local";
	if ((at(0) & 0xff00) === 0xff00) return "multicast";
	return "public";
}

function describeClass(cls: Exclude<AddressClass, "public">): string {
	switch (cls) {
		case "loopback":
			return "a loopback address (this machine)";
		case "private":
			return "a private network address (10/8, 172.16/12, 192.168/16)";
		case "link-local":
			return "a link-local address";
		case "cgnat":
			return "a carrier-grade NAT address (100.64/10)";
		case "metadata":
			return "a cloud metadata endpoint";
		case "unspecified":
			return "an unspecified address (0.0.0.0/8 or ::)";
		case "unique-local":
			return "a unique-local IPv6 address (fc00::/7)";
		case "multicast":
			return "a multicast address";
		case "reserved":
			return "a reserved address";
		default: {
			const _exhaustive: never = cls;
			return _exhaustive;
		}
	}
}

function truncate(s: string): string {
	return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
