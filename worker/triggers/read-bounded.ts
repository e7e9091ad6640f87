/**
 * A request body, or null as soon as it is known to be over `max` bytes: a declared
 * Content-Length over it is refused unread, and a chunked body is read only up to it.
 */
export async function readBounded(request: Request, max: number): Promise<Uint8Array | null> {
	const declared = Number(request.headers.get("content-length") ?? Number.NaN);
	if (Number.isFinite(declared) && declared > max) return null;
	if (!request.body) return new Uint8Array(0);
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > max) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	const body = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return body;
}
