// Late events: a silver table's watermark is the highest event_time it has seen (stored in its snapshot summary
// as shoplake.watermark, merged with max() at commit). An event is late when its event_time is behind the
// watermark the batch started from by more than the allowed lateness (config). A late event still lands, with
// is_late = true on its silver row and its child rows, and is counted.
// The batch's starting watermark (not a running one) keeps the flag independent of the order of partitions
// within a batch and identical when a batch is retried.

export const DEFAULT_ALLOWED_LATENESS_SECONDS = 3600;

export function isLate(eventTimeUs: number, watermarkUs: number | null, allowedLatenessUs: number): boolean {
  return watermarkUs !== null && eventTimeUs < watermarkUs - allowedLatenessUs;
}
