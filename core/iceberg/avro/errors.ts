// Errors of the Avro layer. Every error that concerns a file names it: `<file>: <cause>`.

/** A problem with an Avro file (or bytes that claim to be one): bad magic, truncation, corruption, wrong schema. */
export class AvroFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options);
    this.name = 'AvroFileError';
  }
}

/** Decoding ran past the end of the available bytes. */
export class EndOfDataError extends Error {
  constructor(
    readonly position: number,
    readonly wanted: number,
    readonly available: number,
  ) {
    super(`unexpected end of data at byte ${position}: needed ${wanted} more, ${Math.max(0, available)} left`);
    this.name = 'EndOfDataError';
  }
}

/** A value cannot be written with the schema (wrong JS type, out of range, missing required field). */
export class AvroValueError extends TypeError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || '<root>'}: ${reason}`);
    this.name = 'AvroValueError';
  }
}
