/**
 * A tiny ONNX model written byte by byte (protobuf), so the SEGMENT_MODEL_PATH path is tested
 * without shipping weights: input [1,3,S,S] → ReduceMean over the channels → output [1,1,S,S].
 * Its "mask" is the image's brightness, which a test can predict.
 */
export function tinyBrightnessModel(size: number): Uint8Array {
  const enc = new TextEncoder();
  const varint = (n: number) => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  const key = (num: number, wire: number) => varint((num << 3) | wire);
  const int = (num: number, v: number) => [...key(num, 0), ...varint(v)];
  const bytes = (num: number, b: ArrayLike<number>) => [
    ...key(num, 2),
    ...varint(b.length),
    ...Array.from(b),
  ];
  const str = (num: number, s: string) => bytes(num, enc.encode(s));
  const msg = (num: number, ...parts: number[][]) => bytes(num, parts.flat());
  // ValueInfoProto { name, type: TypeProto { tensor_type { elem_type FLOAT, shape } } }
  const value = (num: number, name: string, dims: number[]) =>
    msg(
      num,
      str(1, name),
      msg(2, msg(1, int(1, 1), msg(2, ...dims.map((d) => msg(1, int(1, d)))))),
    );
  // AttributeProto: axes (INTS = 7) and keepdims (INT = 2).
  const axes = msg(5, str(1, "axes"), int(20, 7), int(8, 1));
  const keepdims = msg(5, str(1, "keepdims"), int(20, 2), int(3, 1));
  const node = msg(1, str(1, "input"), str(2, "mask"), str(4, "ReduceMean"), axes, keepdims);
  const graph = msg(
    7,
    node,
    str(2, "brightness"),
    value(11, "input", [1, 3, size, size]),
    value(12, "mask", [1, 1, size, size]),
  );
  // ModelProto { ir_version 7, graph, opset_import { version 13 } }
  return new Uint8Array([...int(1, 7), ...graph, ...msg(8, int(2, 13))]);
}
