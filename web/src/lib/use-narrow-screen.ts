import { useEffect, useState } from "preact/hooks";

const NARROW = "(max-width: 600px)";

/** True on phone-width screens (matches the CSS breakpoint); follows rotation and resizing. */
export function useNarrowScreen(): boolean {
	const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
	useEffect(() => {
		const query = matchMedia(NARROW);
		const update = () => setNarrow(query.matches);
		query.addEventListener("change", update);
		return () => query.removeEventListener("change", update);
	}, []);
	return narrow;
}
