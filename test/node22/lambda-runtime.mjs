// A stand-in for the AWS Lambda nodejs22.x runtime, run on Node 22 by lambda-bundle.test.ts: from the task root
// (cwd) it imports the bundled module named by the function's Handler setting (`index.handler` -> index.mjs,
// export `handler`), then invokes it once per event, in order, in this one process (a warm container), with a
// Lambda-shaped context. Writes { node, zlibZstd, responses } to the output file; a failed invocation exits 1.
// Usage: node lambda-runtime.mjs <Handler> <events.json> <out.json>
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const [handlerSetting, eventsFile, outFile] = process.argv.slice(2);
if (!handlerSetting || !eventsFile || !outFile) throw new Error('usage: lambda-runtime.mjs <Handler> <events> <out>');
const dot = handlerSetting.lastIndexOf('.');
const file = `${handlerSetting.slice(0, dot)}.mjs`;
const name = handlerSetting.slice(dot + 1);
const mod = await import(pathToFileURL(join(process.cwd(), file)).href);
const handler = mod[name];
if (typeof handler !== 'function') throw new Error(`${file} does not export a function named ${name}`);

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'shoplake-ingest';
const events = JSON.parse(await readFile(eventsFile, 'utf8'));
const responses = [];
for (const event of events) {
  const deadline = Date.now() + 300_000;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  responses.push(await handler(event, context));
}
await writeFile(outFile, JSON.stringify({ node: process.version, zlibZstd: typeof zlib.zstdCompressSync, responses }));
