/**
 * IP address literals as integers, so ranges are compared as numbers (a prefix is a mask),
 * never as text. Inputs are hosts the WHATWG URL parser has already normalised: IPv4 as four
 * decimal octets, IPv6 compressed and lower-case. The parsers still refuse anything else, so a
 * spelling the parser did not normalise can never be read as a different address.
 */

export type IpAddress = { family: 4; value: number } | { family: 6; value: bigint };

/** `a.b.c.d` with each octet 0–255, as an unsigned 32-bit number; otherwise null. */
export function parseIpv4(text: string): number | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
	if (m === null) return null;
	let value = 0;
	for (const octet of m.slice(1).map(Number)) {
		if (octet > 255) return null;
		value = value * 256 + octet;
	}
	return value;
}

/** An IPv6 literal (no brackets; a `%zone` is ignored), as a 128-bit number; otherwise null. */
export function parseIpv6(text: string): bigint | null {
	const zoneless = text.split("%")[0] ?? "";
	const halves = zoneless.split("::");
	if (halves.length > 2) return null;
	const head = groupsOf(halves[0] ?? "");
	const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
	if (head === null || tail === null) return null;
	const missing = 8 - head.length - tail.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
	let value = 0n;
	for (const group of [...head, ...new Array<number>(missing).fill(0), ...tail]) {
		value = (value << 16n) | BigInt(group);
	}
	return value;
}

/** The 16-bit groups of one side of `::`; a trailing dotted IPv4 counts as two groups. */
function groupsOf(part: string): number[] | null {
	if (part === "") return [];
	const pieces = part.split(":");
	const out: number[] = [];
	for (const [i, piece] of pieces.entries()) {
		if (piece.includes(".") && i === pieces.length - 1) {
			const v4 = parseIpv4(piece);
			if (v4 === null) return null;
			out.push(v4 >>> 16, v4 & 0xffff);
		} else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
			out.push(Number.parseInt(piece, 16));
		} else {
			return null;
		}
	}
	return out;
}

/** A URL's hostname as an address: `[v6]`, dotted IPv4, or null for a name. */
export function parseHostAddress(host: string): IpAddress | null {
	if (host.startsWith("[") && host.endsWith("]")) {
		const value = parseIpv6(host.slice(1, -1));
		return value === null ? null : { family: 6, value };
	}
	const value = parseIpv4(host);
	return value === null ? null : { family: 4, value };
}

export function formatIpv4(value: number): string {
	return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}
