import { formatAbsolute, formatRelative, timeZone } from "../lib/time";

/** A timestamp in the viewer's timezone with a relative hint; the title names the timezone. */
export function TimeText({ iso, now }: { iso: string | null | undefined; now?: number }) {
	if (!iso) return <span class="muted">—</span>;
	return (
		<time dateTime={iso} title={`${formatAbsolute(iso)} (${timeZone})`}>
			{formatAbsolute(iso)} <span class="relative">({formatRelative(iso, now)})</span>
		</time>
	);
}
