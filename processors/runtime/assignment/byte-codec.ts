/**
 * A minimal big-endian writer and reader for the assignor's wire formats (member
 * metadata, assignment userData). Lengths and counts are unsigned varints, so the
 * common small numbers (task partitions, counts) cost one byte; a reader that runs off
 * the end throws, and callers turn that into a coded error.
 */

export class ByteWriter {
  readonly #chunks: Buffer[] = [];
  #current = Buffer.allocUnsafe(256);
  #at = 0;

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#current.length) return;
    this.#chunks.push(this.#current.subarray(0, this.#at));
    this.#current = Buffer.allocUnsafe(Math.max(256, bytes));
    this.#at = 0;
  }

  int8(value: number): this {
    this.#room(1);
    this.#current.writeInt8(value, this.#at);
    this.#at += 1;
    return this;
  }

  int16(value: number): this {
    this.#room(2);
    this.#current.writeInt16BE(value, this.#at);
    this.#at += 2;
    return this;
  }

  /** Unsigned LEB128: 7 bits a byte, high bit set while more follow. */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
    this.#room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.#current[this.#at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#current[this.#at++] = rest;
    return this;
  }

  int64(value: bigint): this {
    this.#room(8);
    this.#current.writeBigInt64BE(value, this.#at);
    this.#at += 8;
    return this;
  }

  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.varint(bytes.length);
    this.#room(bytes.length);
    bytes.copy(this.#current, this.#at);
    this.#at += bytes.length;
    return this;
  }

  /** `null` is written as length 0 with a flag byte first, so '' and null differ. */
  nullableString(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.int8(0);
    return this.int8(1).string(value);
  }

  toBuffer(): Buffer {
    return Buffer.concat([...this.#chunks, this.#current.subarray(0, this.#at)]);
  }
}

export class ByteReader {
  readonly #buffer: Buffer;
  #at = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  #need(bytes: number): void {
    if (this.#at + bytes > this.#buffer.length) throw new RangeError(`truncated: needs ${bytes} byte(s) at ${this.#at} of ${this.#buffer.length}`);
  }

  int8(): number {
    this.#need(1);
    return this.#buffer.readInt8(this.#at++);
  }

  int16(): number {
    this.#need(2);
    const value = this.#buffer.readInt16BE(this.#at);
    this.#at += 2;
    return value;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      this.#need(1);
      const byte = this.#buffer[this.#at++] as number;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 0x80;
      if (scale > 2 ** 49) throw new RangeError('varint too long');
    }
  }

  int64(): bigint {
    this.#need(8);
    const value = this.#buffer.readBigInt64BE(this.#at);
    this.#at += 8;
    return value;
  }

  string(): string {
    const length = this.varint();
    this.#need(length);
    const value = this.#buffer.toString('utf8', this.#at, this.#at + length);
    this.#at += length;
    return value;
  }

  nullableString(): string | null {
    return this.int8() === 0 ? null : this.string();
  }

  /** Repeats `read` for a varint count. */
  list<T>(read: () => T): T[] {
    const count = this.varint();
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = read();
    return out;
  }

  get remaining(): number {
    return this.#buffer.length - this.#at;
  }
}
