/**
 * Host names that only mean something inside a network, refused before any call (the engine
 * cannot resolve names: a public name that resolves inward is the platform egress's to stop,
 * docs/ARCHITECTURE.md#outgoing-calls). The suffixes are the IANA Special-Use Domain Names
 * that resolve locally (`.test`, `.invalid` and `.example` are left alone: they reach nothing
 * inside a network, and test fixtures use them), ICANN's private-use `.internal`, and the
 * private-network suffixes RFC 6762 appendix G lists as in common use.
 */

export interface SpecialName {
	/** A name and every name under it, e.g. `local` covers `printer.local`. */
	readonly suffix: string;
	readonly name: string;
	readonly source: string;
	readonly loopback?: true;
}

export const SPECIAL_NAMES: readonly SpecialName[] = [
	{ suffix: "localhost", name: "the loopback name", source: "RFC 6761", loopback: true },
	{ suffix: "local", name: "a multicast DNS name", source: "RFC 6762" },
	{ suffix: "internal", name: "a private-use name", source: "ICANN 2024" },
	{ suffix: "home.arpa", name: "a home network name", source: "RFC 8375" },
	{ suffix: "ipv4only.arpa", name: "the NAT64 discovery name", source: "RFC 7050" },
	{ suffix: "resolver.arpa", name: "a local resolver name", source: "RFC 9462" },
	{ suffix: "intranet", name: "a private network name", source: "RFC 6762 appendix G" },
	{ suffix: "private", name: "a private network name", source: "RFC 6762 appendix G" },
	{ suffix: "corp", name: "a private network name", source: "RFC 6762 appendix G" },
	{ suffix: "home", name: "a private network name", source: "RFC 6762 appendix G" },
	{ suffix: "lan", name: "a private network name", source: "RFC 6762 appendix G" },
];

export type NameVerdict = { kind: "allowed" } | { kind: "refused"; why: string; loopback: boolean };

/** `host` is lower-case without a trailing dot, as the URL parser and the guard leave it. */
export function judgeName(host: string): NameVerdict {
	for (const entry of SPECIAL_NAMES) {
		if (host === entry.suffix || host.endsWith(`.${entry.suffix}`)) {
			return {
				kind: "refused",
				why: `${entry.name} (.${entry.suffix}, ${entry.source})`,
				loopback: entry.loopback === true,
			};
		}
	}
	// `instance-data`, `metadata`, `db`: resolved through the network's own search domains.
	if (!host.includes(".")) {
		return {
			kind: "refused",
			why: "a single-label name, resolved only inside a network",
			loopback: false,
		};
	}
	return { kind: "allowed" };
}
