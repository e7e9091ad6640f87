// Redacted values (docs/ARCHITECTURE.md#secrets): the API answers "[REDACTED]" wherever a secret,
// a secret input or a masked output would be; the page shows a recognisable badge instead,
// never the text.
import type { ComponentChildren } from "preact";

export const REDACTED = "[REDACTED]";
const QUOTED = JSON.stringify(REDACTED);
const PATTERN = /("\[REDACTED\]"|\[REDACTED\])/;

export function HiddenBadge() {
	return (
		<span class="badge hidden-value" title="A secret value: stored encrypted, never shown">
			hidden
		</span>
	);
}

/** `text` with each redacted value (a whole JSON string, or inside a text) as a badge. */
export function withHidden(text: string): ComponentChildren {
	if (!text.includes(REDACTED)) return text;
	return text
		.split(PATTERN)
		.map((part, i) => (part === QUOTED || part === REDACTED ? <HiddenBadge key={i} /> : part));
}
