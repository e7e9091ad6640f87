/**
 * At most one call per `ms`: the first call runs at once, later ones collapse into a single
 * trailing call, so a burst of run events costs two refetches, not one per event.
 */
export function throttle(fn: () => void, ms: number) {
	let last = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const call = () => {
		const wait = last + ms - Date.now();
		if (wait <= 0) {
			last = Date.now();
			fn();
		} else if (timer === undefined) {
			timer = setTimeout(() => {
				timer = undefined;
				last = Date.now();
				fn();
			}, wait);
		}
	};
	const cancel = () => clearTimeout(timer);
	return { call, cancel };
}
