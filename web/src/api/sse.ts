// A Server-Sent Events reader over fetch. EventSource cannot send an Authorization header, so
// the run page reads the stream itself and parses it as the HTML standard describes.

export interface SseMessage {
	id: string | null;
	event: string;
	data: string;
}

/** Reads `res.body` to its end, calling `onMessage` for each dispatched event. */
export async function readSse(
	res: Response,
	onMessage: (message: SseMessage) => void,
): Promise<void> {
	if (!res.body) return;
	const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = "";
	let id: string | null = null;
	let event = "";
	let data: string[] = [];
	const dispatch = () => {
		if (data.length > 0) onMessage({ id, event: event || "message", data: data.join("\n") });
		event = "";
		data = [];
	};
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return;
		buffer += value;
		const lines = buffer.split(/\r\n|\r|\n/);
		buffer = lines.pop() ?? ""; // an unfinished line waits for the next chunk
		for (const line of lines) {
			if (line === "") {
				dispatch();
				continue;
			}
			if (line.startsWith(":")) continue; // comment (keep-alive)
			const colon = line.indexOf(":");
			const field = colon < 0 ? line : line.slice(0, colon);
			let value = colon < 0 ? "" : line.slice(colon + 1);
			if (value.startsWith(" ")) value = value.slice(1);
			if (field === "data") data.push(value);
			else if (field === "event") event = value;
			else if (field === "id" && !value.includes("\0")) id = value;
		}
	}
}
