// PLACEHOLDER (owned by the CDK helper until the ingest pipeline of issue 5 replaces it; keep the export name
// `handler`). It refuses every batch, so the MSK event source mapping retries and commits no offset: deploying the
// infrastructure before the pipeline exists can never drop a record.
import type { MSKEvent } from 'aws-lambda';

export async function handler(event: MSKEvent): Promise<never> {
  const records = Object.values(event.records ?? {}).reduce((n, batch) => n + batch.length, 0);
  console.error(JSON.stringify({ level: 'ERROR', msg: 'shoplake ingest handler is not built yet', records }));
  throw new Error(`shoplake ingest handler is not built yet; ${records} records left uncommitted for retry`);
}
