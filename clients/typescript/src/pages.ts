/** One page of a cursor-paged list, as every list operation of the API answers. */
export interface Page<T> {
	data: T[];
	nextCursor: string | null;
}

/**
 * Every item of a cursor-paged list, fetching the next page only when the previous one is
 * used up. A page may be short or even empty and still carry a `nextCursor` (the runs list
 * bounds the rows one page examines), so only a null cursor ends the list.
 */
export async function* allPages<T>(
	fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
	let cursor: string | undefined;
	do {
		const page = await fetchPage(cursor);
		yield* page.data;
		cursor = page.nextCursor ?? undefined;
	} while (cursor !== undefined);
}
