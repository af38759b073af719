// Lets fetch-based readers (icebird, hyparquet's asyncBufferFromUrl) read local files: a global fetch that serves
// GET (with Range -> 206) and HEAD for URLs that `resolve` maps to a local path, and refuses anything else (there
// is no network here, and a test must not reach for one).
import { promises as fs } from 'node:fs';

export function installLocalFetch(resolve: (url: string) => string | undefined): () => void {
  const original = globalThis.fetch;
  const local = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = resolve(url);
    if (path === undefined) throw new Error(`local fetch: no local file for ${url}`);
    let data: Buffer;
    try {
      data = await fs.readFile(path);
    } catch {
      return new Response(null, { status: 404, statusText: 'Not Found' });
    }
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init?.headers);
    if (method === 'HEAD')
      return new Response(null, { status: 200, headers: { 'content-length': String(data.length) } });
    const range = /^bytes=(\d+)-(\d*)$/.exec(headers.get('range') ?? '');
    if (!range) return new Response(data, { status: 200, headers: { 'content-length': String(data.length) } });
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1;
    const body = data.subarray(start, end + 1);
    return new Response(body, {
      status: 206,
      headers: { 'content-length': String(body.length), 'content-range': `bytes ${start}-${end}/${data.length}` },
    });
  };
  globalThis.fetch = local as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}
