/** Growable byte output with JPEG's bit packing (0xFF is followed by a stuffed 0x00). */
export class BitWriter {
  buf: Uint8Array;
  at = 0;
  #acc = 0;
  #bits = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  reserve(n: number) {
    if (this.at + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
  }

  bytes(b: ArrayLike<number>) {
    this.reserve(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  /** `n` ≤ 16 bits of `v`, most significant first. */
  put(v: number, n: number) {
    const acc = (this.#acc << n) | (v & ((1 << n) - 1));
    let bits = this.#bits + n;
    const buf = this.buf;
    while (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      buf[this.at++] = byte;
      if (byte === 0xff) buf[this.at++] = 0;
    }
    this.#acc = acc & ((1 << bits) - 1);
    this.#bits = bits;
  }

  /** Pads the last byte with 1 bits. */
  flush() {
    if (this.#bits > 0) this.put(0x7f, 8 - this.#bits);
  }
}
