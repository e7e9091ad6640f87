// Cursor paging: the first page comes from a resource, "Load more" appends the next ones.
import { useEffect, useState } from "preact/hooks";
import type { Page } from "../api/types";

export function usePaged<T>(
	first: Page<T> | undefined,
	loadMore: (cursor: string) => Promise<Page<T>>,
) {
	const [extra, setExtra] = useState<{ items: T[]; cursor: string | null } | null>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);
	// A new first page (new filters, refresh) starts the list over.
	useEffect(() => {
		setExtra(null);
		setError(null);
	}, [first]);
	const items = [...(first?.data ?? []), ...(extra?.items ?? [])];
	const cursor = extra ? extra.cursor : (first?.nextCursor ?? null);
	const more = async () => {
		if (!cursor) return;
		setBusy(true);
		try {
			const page = await loadMore(cursor);
			setExtra((previous) => ({
				items: [...(previous?.items ?? []), ...page.data],
				cursor: page.nextCursor,
			}));
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};
	return { items, hasMore: cursor !== null, more, busy, error };
}
