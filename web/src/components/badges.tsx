// Status and result as words plus colour, never colour alone.

export function stateClass(status: string, result: string | null): string {
	if (status !== "COMPLETED") return status.toLowerCase().replace("_", "-");
	return (result ?? "success").toLowerCase();
}

export function stateLabel(status: string, result: string | null): string {
	const words: Record<string, string> = {
		QUEUED: "Queued",
		PENDING: "Pending",
		IN_PROGRESS: "In progress",
		WAITING: "Waiting",
		SUCCESS: "Succeeded",
		FAILED: "Failed",
		CANCELLED: "Cancelled",
		SKIPPED: "Skipped",
	};
	const key = status === "COMPLETED" ? (result ?? "SUCCESS") : status;
	return words[key] ?? key;
}

export function StateBadge({ status, result }: { status: string; result: string | null }) {
	return <span class={`badge ${stateClass(status, result)}`}>{stateLabel(status, result)}</span>;
}
