import { useEffect, useState } from "preact/hooks";

/** The value once it has stopped changing for `ms` (search boxes query once per pause). */
export function useDebounced<T>(value: T, ms = 300): T {
	const [settled, setSettled] = useState(value);
	useEffect(() => {
		const timer = setTimeout(() => setSettled(value), ms);
		return () => clearTimeout(timer);
	}, [value, ms]);
	return settled;
}
