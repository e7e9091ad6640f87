// A box that scrolls (a wide table, a long JSON text, a big graph). Keyboard users scroll it with
// the arrow keys once it has focus, so it takes focus and is named for screen readers.
import type { ComponentChildren } from "preact";

export function ScrollRegion({
	label,
	class: cls,
	children,
}: {
	label: string;
	class: string;
	children: ComponentChildren;
}) {
	return (
		// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard to scroll it (WCAG 2.1.1)
		<section class={cls} tabIndex={0} aria-label={label}>
			{children}
		</section>
	);
}
