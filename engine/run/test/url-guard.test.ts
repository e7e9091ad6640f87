import { describe, expect, it } from "vitest";
import { parseIpv4, parseIpv6 } from "../ip-address";
import { SPECIAL_IPV4, SPECIAL_IPV6, type SpecialRange } from "../special-addresses";
import { SPECIAL_NAMES } from "../special-names";
import { checkOutgoingUrl } from "../url-guard";

/** The first, last and a middle address of a range, as URL hosts. */
function samples(range: SpecialRange): string[] {
	const [text = "", lengthText = ""] = range.prefix.split("/");
	const length = Number(lengthText);
	if (range.prefix.includes(":")) {
		const base = parseIpv6(text) as bigint;
		const size = 1n << BigInt(128 - length);
		const v6 = (n: bigint) => `[${formatV6(n)}]`;
		return [v6(base), v6(base + size / 2n), v6(base + size - 1n)];
	}
	const base = parseIpv4(text) as number;
	const size = 2 ** (32 - length);
	const v4 = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
	return [v4(base), v4(base + Math.floor(size / 2)), v4(base + size - 1)];
}

function formatV6(n: bigint): string {
	const groups: string[] = [];
	for (let shift = 112n; shift >= 0n; shift -= 16n)
		groups.push(((n >> shift) & 0xffffn).toString(16));
	return groups.join(":");
}

/** Ranges the table refuses outright (not the allow roots, not those judged by a carried IPv4). */
const refusedRanges = [...SPECIAL_IPV4, ...SPECIAL_IPV6].filter(
	(r) => r.treatment.kind === "refuse",
);

/** A sample of a range is judged by that range unless a more specific entry holds it. */
function ownSamples(range: SpecialRange): string[] {
	const table = range.prefix.includes(":") ? SPECIAL_IPV6 : SPECIAL_IPV4;
	const length = Number(range.prefix.split("/")[1]);
	return samples(range).filter((host) =>
		table.every((other) => {
			if (other === range || Number(other.prefix.split("/")[1]) <= length) return true;
			return !samples(other).includes(host) && !inside(host, other);
		}),
	);
}

function inside(host: string, range: SpecialRange): boolean {
	const [text = "", lengthText = ""] = range.prefix.split("/");
	const length = BigInt(lengthText);
	if (host.startsWith("[")) {
		if (!range.prefix.includes(":")) return false;
		const bits = 128n - length;
		return (parseIpv6(host.slice(1, -1)) as bigint) >> bits === (parseIpv6(text) as bigint) >> bits;
	}
	if (range.prefix.includes(":")) return false;
	const bits = 32n - length;
	return BigInt(parseIpv4(host) as number) >> bits === BigInt(parseIpv4(text) as number) >> bits;
}

describe("the special-purpose address table", () => {
	it.each(refusedRanges.map((r) => [r.prefix, r] as const))(
		"refuses %s at its first, middle and last address, naming the range",
		(_prefix, range) => {
			const hosts = ownSamples(range);
			expect(hosts.length).toBeGreaterThan(0);
			for (const host of hosts) {
				const check = checkOutgoingUrl(`http://${host}/`);
				expect(check, host).toMatchObject({ kind: "refused" });
				if (check.kind === "refused") expect(check.reason, host).toContain(range.prefix);
			}
		},
	);

	it("holds the ranges the issue names", () => {
		const prefixes = [...SPECIAL_IPV4, ...SPECIAL_IPV6].map((r) => r.prefix);
		for (const prefix of [
			"fec0::/10",
			"64:ff9b::/96",
			"64:ff9b:1::/48",
			"::ffff:0:0/96",
			"2002::/16",
			"2001::/32",
			"100.64.0.0/10",
			"198.18.0.0/15",
			"240.0.0.0/4",
		]) {
			expect(prefixes).toContain(prefix);
		}
	});

	it("refuses the addresses just inside a range and allows the ones just outside", () => {
		for (const [host, prefix] of [
			["100.64.0.0", "100.64.0.0/10"],
			["100.127.255.255", "100.64.0.0/10"],
			["198.18.0.0", "198.18.0.0/15"],
			["198.19.255.255", "198.18.0.0/15"],
			["172.31.255.255", "172.16.0.0/12"],
			["[fec0::1]", "fec0::/10"],
			["[feff:ffff::1]", "fec0::/10"],
			["[64:ff9b:1:ffff::1]", "64:ff9b:1::/48"],
		] as const) {
			expect(checkOutgoingUrl(`http://${host}/`), host).toMatchObject({ kind: "refused" });
			const check = checkOutgoingUrl(`http://${host}/`);
			if (check.kind === "refused") expect(check.reason).toContain(prefix);
		}
		for (const host of [
			"100.63.255.255",
			"100.128.0.0",
			"198.17.255.255",
			"198.20.0.0",
			"172.15.255.255",
			"172.32.0.0",
			"223.255.255.255",
			"[2606:4700::1111]",
			"[2001:200::1]",
		]) {
			expect(checkOutgoingUrl(`http://${host}/`).kind, host).toBe("allowed");
		}
		// Below 2000::/3: outside global unicast.
		expect(checkOutgoingUrl("http://[1fff:ffff::1]/").kind).toBe("refused");
	});
});

describe("IPv6 addresses that carry an IPv4 address are judged by it", () => {
	const carried: Array<[string, string, string]> = [
		// [URL host, carried IPv4, the IPv4 range that refuses it]
		["[::ffff:127.0.0.1]", "127.0.0.1", "127.0.0.0/8"],
		["[::ffff:7f00:1]", "127.0.0.1", "127.0.0.0/8"],
		["[::ffff:a00:8]", "10.0.0.8", "10.0.0.0/8"],
		["[::ffff:a9fe:a9fe]", "169.254.169.254", "169.254.169.254/32"],
		["[64:ff9b::7f00:1]", "127.0.0.1", "127.0.0.0/8"],
		["[64:ff9b::192.168.0.1]", "192.168.0.1", "192.168.0.0/16"],
		["[64:ff9b::6440:1]", "100.64.0.1", "100.64.0.0/10"],
		["[2002:7f00:1::]", "127.0.0.1", "127.0.0.0/8"],
		["[2002:a00:1::1]", "10.0.0.1", "10.0.0.0/8"],
		["[2002:c0a8:101:1::1]", "192.168.1.1", "192.168.0.0/16"],
		// Teredo: server 65.54.227.120 (public), client 10.0.0.1 stored inverted (f5ff:fffe).
		["[2001:0:4136:e378:8000:63bf:f5ff:fffe]", "10.0.0.1", "10.0.0.0/8"],
		// Teredo with a private server address.
		["[2001:0:a00:1::1]", "10.0.0.1", "10.0.0.0/8"],
	];
	it.each(carried)("refuses %s (carries %s)", (host, v4, prefix) => {
		const check = checkOutgoingUrl(`http://${host}/`);
		expect(check.kind).toBe("refused");
		if (check.kind === "refused") {
			expect(check.reason).toContain(v4);
			expect(check.reason).toContain(prefix);
		}
	});

	it.each([
		"[::ffff:93.184.216.34]",
		"[64:ff9b::5db8:d822]",
		"[2002:5db8:d822::1]",
		// Teredo: server 65.54.227.120, client 93.184.216.34 stored inverted (a247:27dd).
		"[2001:0:4136:e378:8000:63bf:a247:27dd]",
	])("allows %s (carries a public IPv4)", (host) => {
		expect(checkOutgoingUrl(`http://${host}/`).kind).toBe("allowed");
	});

	it("refuses the deprecated IPv4-compatible form (::a.b.c.d) outright", () => {
		expect(checkOutgoingUrl("http://[::93.184.216.34]/").kind).toBe("refused");
		expect(checkOutgoingUrl("http://[::127.0.0.1]/").kind).toBe("refused");
	});
});

describe("every numeric spelling is judged as the address it means", () => {
	it.each([
		["http://2130706433/", "127.0.0.0/8"],
		["http://0x7f.1/", "127.0.0.0/8"],
		["http://017700000001/", "127.0.0.0/8"],
		["http://127.1/", "127.0.0.0/8"],
		["http://0x7f.0x0.0x0.0x1/", "127.0.0.0/8"],
		["http://0177.0.0.1/", "127.0.0.0/8"],
		["http://%31%32%37.0.0.1/", "127.0.0.0/8"],
		["http://127.0.0.1./", "127.0.0.0/8"],
		["http://0/", "0.0.0.0/32"],
		["http://0.1.2.3/", "0.0.0.0/8"],
		["http://167772161/", "10.0.0.0/8"],
		["http://0xa9fea9fe/", "169.254.169.254/32"],
		["http://[0:0:0:0:0:0:0:1]/", "::1/128"],
		["http://[0000::0001]/", "::1/128"],
		["http://[::]/", "::/128"],
		["http://[FE80:0::1]/", "fe80::/10"],
		["http://[::ffff:0:7f00:1]/", "::/0"],
	])("%s → %s", (url, prefix) => {
		const check = checkOutgoingUrl(url);
		if (check.kind === "allowed") throw new Error(`${url} was allowed`);
		expect(check.reason).toContain(prefix);
	});
});

describe("names that only mean something inside a network", () => {
	it.each(SPECIAL_NAMES.map((n) => [n.suffix] as const))(
		"refuses .%s and names under it",
		(suffix) => {
			for (const host of [suffix, `a.${suffix}`, `deep.er.${suffix}`, `${suffix.toUpperCase()}.`]) {
				expect(checkOutgoingUrl(`https://${host}/`).kind, host).toBe("refused");
			}
		},
	);

	it.each([
		["http://localhost/", /loopback name/],
		["http://api.localhost:8080/", /loopback name/],
		["http://metadata.google.internal/computeMetadata/v1/", /\.internal/],
		["http://printer.local/", /\.local/],
		["http://instance-data/latest/", /single-label/],
		["http://metadata/", /single-label/],
		["http://intranet./", /\.intranet/],
	])("%s", (url, why) => {
		const check = checkOutgoingUrl(url);
		expect(check.kind).toBe("refused");
		if (check.kind === "refused") expect(check.reason).toMatch(why);
	});

	it.each([
		"https://example.com/hook",
		"https://localhost.example.com/",
		"https://metadata.example.com/",
		"https://local.example/",
		"https://internal.example.com/",
		"https://xn--nxasmq6b.com/",
	])("allows %s", (url) => {
		expect(checkOutgoingUrl(url).kind).toBe("allowed");
	});
});

describe("checkOutgoingUrl", () => {
	it.each([
		["ftp://example.com/", /only http and https/],
		["file:///etc/passwd", /only http and https/],
		["not a url", /not a valid absolute URL/],
		["https://user:pw@example.com/", /user name or password/],
		["https://user@example.com/", /user name or password/],
	])("refuses %s", (url, why) => {
		const check = checkOutgoingUrl(url);
		expect(check.kind).toBe("refused");
		if (check.kind === "refused") expect(check.reason).toMatch(why);
	});

	it("allows public addresses", () => {
		for (const url of ["http://93.184.216.34/", "http://1.1.1.1/", "http://[2606:4700::1111]/"]) {
			expect(checkOutgoingUrl(url).kind, url).toBe("allowed");
		}
	});

	it("returns the normalised URL", () => {
		expect(checkOutgoingUrl("HTTPS://Example.COM/a b")).toEqual({
			kind: "allowed",
			url: "https://example.com/a%20b",
		});
	});

	it("allowLoopbackTargets allows loopback only", () => {
		const opts = { allowLoopbackTargets: true };
		for (const url of [
			"http://127.0.0.1:8787/",
			"http://localhost:3000/",
			"http://2130706433/",
			"http://[::1]/",
			"http://[::ffff:127.0.0.1]/",
			"http://demo.localhost/",
		]) {
			expect(checkOutgoingUrl(url, opts).kind, url).toBe("allowed");
		}
		for (const url of [
			"http://10.0.0.1/",
			"http://169.254.169.254/",
			"http://0.0.0.0/",
			"http://[fd00:ec2::254]/",
			"http://192.168.0.1/",
			"http://printer.local/",
			"http://instance-data/",
		]) {
			expect(checkOutgoingUrl(url, opts).kind, url).toBe("refused");
		}
	});
});
