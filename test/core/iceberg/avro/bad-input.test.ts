import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAvroContainer } from '../../../../core/iceberg/avro/container-reader.js';
import { writeAvroContainer } from '../../../../core/iceberg/avro/container-writer.js';
import { AvroFileError } from '../../../../core/iceberg/avro/errors.js';
import { decodeManifest, readManifest } from '../../../../core/iceberg/avro/manifest-reader.js';
import { decodeManifestList, readManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import { NotFoundError } from '../../../../core/iceberg/io/file-io.js';
import { ICEBERG_FIXTURES } from '../../../support/iceberg-fixtures.js';
import { MemoryFileIO } from '../../../support/memory-file-io.js';

const MANIFEST = `${ICEBERG_FIXTURES}/athena/example/metadata/3d82674b-df1e-49b5-a7a9-05b61567065a-m0.avro`;
const LIST = `${ICEBERG_FIXTURES}/athena/example/metadata/snap-6838723292707092922-1-3d82674b-df1e-49b5-a7a9-05b61567065a.avro`;
const manifestBytes = new Uint8Array(readFileSync(MANIFEST));
const listBytes = new Uint8Array(readFileSync(LIST));
const FILE = 's3://lake/t/metadata/m0.avro';

/** Bytes up to and including the header's sync marker (the same 16 bytes end every block). */
const headerLength = (bytes: Uint8Array): number => {
  const sync = bytes.subarray(bytes.length - 16);
  return Buffer.from(bytes).indexOf(Buffer.from(sync)) + 16;
};

describe('bad Avro input gives an AvroFileError naming the file and the cause', () => {
  it('wrong magic and empty files', () => {
    expect(() => readAvroContainer(new TextEncoder().encode('PAR1....'), FILE)).toThrow(
      `${FILE}: not an Avro object container file: bad magic bytes [50 41 52 31], expected [4f 62 6a 01]`,
    );
    expect(() => readAvroContainer(new Uint8Array(0), FILE)).toThrow(
      `${FILE}: not an Avro object container file: the file is empty`,
    );
    expect(() => decodeManifest(new TextEncoder().encode('{"format-version":2}'), FILE)).toThrow(AvroFileError);
  });

  it('every truncation of a real manifest is reported, never decoded silently', () => {
    const [listed] = decodeManifestList(listBytes, LIST);
    const wrong: string[] = [];
    for (let cut = 0; cut < manifestBytes.length; cut++) {
      try {
        decodeManifest(manifestBytes.subarray(0, cut), FILE, listed);
        wrong.push(`${cut}: decoded`);
      } catch (err) {
        const expected = `${FILE}: is ${cut} bytes but its manifest list says ${manifestBytes.length} (truncated or overwritten)`;
        if (!(err instanceof AvroFileError) || err.message !== expected) wrong.push(`${cut}: ${String(err)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(decodeManifest(manifestBytes, FILE, listed).entries).toHaveLength(1);
  });

  it('without the manifest list, every truncation except at a block boundary is still caught by the container', () => {
    const decoded: number[] = [];
    const wrong: string[] = [];
    for (let cut = 0; cut < manifestBytes.length; cut++) {
      try {
        if (decodeManifest(manifestBytes.subarray(0, cut), FILE).entries.length !== 0) wrong.push(`${cut}: entries`);
        decoded.push(cut);
      } catch (err) {
        const ok =
          err instanceof AvroFileError && /^\S+: (not an Avro|truncated|is not an Iceberg manifest)/.test(err.message);
        if (!ok || !err.message.startsWith(`${FILE}: `)) wrong.push(`${cut}: ${String(err)}`);
      }
    }
    expect(wrong).toEqual([]);
    // only the cut right after the header (a valid file with no blocks) decodes
    expect(decoded).toEqual([headerLength(manifestBytes)]);
  });

  it('a manifest whose entry count disagrees with its manifest list is refused', () => {
    const [listed] = decodeManifestList(listBytes, LIST);
    expect(() => decodeManifest(manifestBytes, FILE, { ...listed!, added_files_count: 2 })).toThrow(
      `${FILE}: has 1 entries but its manifest list counts 2`,
    );
  });

  it('a truncated block says how much was expected', () => {
    expect(() => readAvroContainer(manifestBytes.subarray(0, manifestBytes.length - 20), FILE)).toThrow(
      /truncated: block 0 declares \d+ bytes plus a 16-byte sync marker but only \d+ bytes remain/,
    );
    expect(() => readAvroContainer(manifestBytes.subarray(0, 200), FILE)).toThrow(/truncated header/);
  });

  it('a damaged sync marker or compressed block is reported as a corrupt block', () => {
    const badSync = Uint8Array.from(manifestBytes);
    badSync[badSync.length - 1]! ^= 0xff;
    expect(() => readAvroContainer(badSync, FILE)).toThrow(`${FILE}: corrupt block 0: sync marker mismatch`);

    const badData = Uint8Array.from(manifestBytes);
    const headerEnd = headerLength(manifestBytes);
    for (let i = 4; i < 12; i++) badData[headerEnd + i] = 0xff; // inside the deflated data of block 0
    expect(() => readAvroContainer(badData, FILE)).toThrow(
      /corrupt block 0: (cannot decompress \(deflate\)|record 0 of 1 does not decode|\d+ bytes left)/,
    );
  });

  it('any single damaged byte gives an AvroFileError or a clean decode, never another exception', () => {
    const wrong: string[] = [];
    for (let i = 0; i < listBytes.length; i++) {
      const damaged = Uint8Array.from(listBytes);
      damaged[i]! ^= 0x5a;
      try {
        decodeManifestList(damaged, FILE);
      } catch (e) {
        if (!(e instanceof AvroFileError) || !e.message.startsWith(`${FILE}: `)) wrong.push(`${i}: ${String(e)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('an invalid header schema is named as such', () => {
    const text = new TextDecoder('latin1').decode(manifestBytes);
    const bytes = Uint8Array.from(manifestBytes);
    const at = text.indexOf('"name":"status"');
    bytes.set(new TextEncoder().encode('"name":"st-tus"'), at);
    expect(() => readAvroContainer(bytes, FILE)).toThrow(
      `${FILE}: invalid avro.schema in header: invalid Avro schema at .st-tus: invalid field name "st-tus"`,
    );
  });

  it('a manifest list read as a manifest (and the reverse) is a wrong-schema error', () => {
    expect(() => decodeManifest(listBytes, FILE)).toThrow(
      `${FILE}: is not an Iceberg manifest: manifest_entry has no field with field-id 0 (status)`,
    );
    expect(() => decodeManifestList(manifestBytes, FILE)).toThrow(
      `${FILE}: is not an Iceberg manifest list: manifest_file has no field with field-id 500 (manifest_path)`,
    );
    const other = writeAvroContainer({
      schema: { type: 'record', name: 'x', fields: [{ name: 'a', type: 'int' }] },
      records: [{ a: 1 }],
    });
    expect(() => decodeManifest(other, FILE)).toThrow(/is not an Iceberg manifest/);
  });

  it('a manifest without the Iceberg header keys says which key is missing', () => {
    const c = readAvroContainer(manifestBytes, FILE);
    const { schema: _schema, ...rest } = c.metadata;
    delete rest['avro.schema'];
    delete rest['avro.codec'];
    const bytes = writeAvroContainer({ schema: c.schema, records: c.records, metadata: rest });
    expect(() => decodeManifest(bytes, FILE)).toThrow(
      `${FILE}: is not an Iceberg manifest: the header has no 'schema' key`,
    );
    const badSpec = writeAvroContainer({
      schema: c.schema,
      records: c.records,
      metadata: { ...rest, schema: c.metadata.schema!, 'partition-spec': '[{"name":1}]' },
    });
    expect(() => decodeManifest(badSpec, FILE)).toThrow(
      /header: 'partition-spec\[0\].source-id' is required but missing/,
    );
  });

  it('a missing file is the FileIO NotFoundError, naming the location', async () => {
    const io = new MemoryFileIO();
    await expect(readManifest(io, FILE)).rejects.toThrow(NotFoundError);
    await expect(readManifestList(io, FILE)).rejects.toThrow(FILE);
  });
});
