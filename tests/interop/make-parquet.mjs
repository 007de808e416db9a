// Writes the Parquet test datasets with two independent writers (hyparquet-writer,
// parquetjs-lite) and, for each, the same records as JSON Lines plus the row counts
// an independent reader (hyparquet) sees, so tests compare hallmark against both.
//   node make-parquet.mjs OUTDIR
import { parquetWriteBuffer } from 'hyparquet-writer'
import { parquetReadObjects, parquetMetadata } from 'hyparquet'
import { createRequire } from 'module'
import { execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import zlib from 'zlib'

const out = process.argv[2]
if (!out) { console.error('usage: node make-parquet.mjs OUTDIR'); process.exit(2) }
fs.mkdirSync(out, { recursive: true })
const require = createRequire(import.meta.url)
const parquetjs = require('parquetjs-lite')

// zstd: the zstd tool when present, else raw (stored) zstd blocks, which every decoder reads.
function zstd(data) {
  try { return new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3'], { input: data })) } catch { }
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0]), Buffer.alloc(4)]
  parts[1].writeUInt32LE(data.length)
  for (let off = 0; off === 0 || off < data.length; off += 131072) {
    const chunk = data.subarray(off, off + 131072)
    const last = off + 131072 >= data.length ? 1 : 0
    const h = (chunk.length << 3) | last
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), Buffer.from(chunk))
  }
  return new Uint8Array(Buffer.concat(parts))
}
function unzstd(data) {
  try { return new Uint8Array(execFileSync('zstd', ['-q', '-d', '-c'], { input: data })) } catch { }
  const parts = [] // raw blocks only, as zstd() above writes them
  for (let off = 9; off < data.length;) {
    const h = data[off] | (data[off + 1] << 8) | (data[off + 2] << 16)
    parts.push(data.subarray(off + 3, off + 3 + (h >> 3)))
    off += 3 + (h >> 3)
  }
  return new Uint8Array(Buffer.concat(parts))
}
const compressors = {
  GZIP: (d) => new Uint8Array(zlib.gzipSync(d)),
  ZSTD: zstd,
}
const decompressors = {
  GZIP: (d) => new Uint8Array(zlib.gunzipSync(d)),
  ZSTD: unzstd,
}

const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'
const expected = {}
async function record(name, buf, rows) {
  fs.writeFileSync(path.join(out, name + '.parquet'), buf)
  fs.writeFileSync(path.join(out, name + '.jsonl'), jsonl(rows))
  const meta = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))
  const read = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), compressors: decompressors })
  expected[name] = { rows: read.length, num_rows: Number(meta.num_rows), row_groups: meta.row_groups.length,
    columns: topColumns(meta.schema),
    codecs: [...new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data.codec)))],
    encodings: [...new Set(meta.row_groups.flatMap((g) => g.columns.flatMap((c) => c.meta_data.encodings)))] }
}
function topColumns(schema) {
  const names = []
  let i = 1
  const skipTree = () => { const n = schema[i].num_children || 0; i++; for (let k = 0; k < n; k++) skipTree() }
  while (i < schema.length) { names.push(schema[i].name); skipTree() }
  return names
}

// 1. A chat dataset (LIST of STRUCT messages), snappy, with a duplicate, a record without an
//    assistant reply and one the screening flags.
const chat = [
  [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }],
  [{ role: 'user', content: '2+2?' }, { role: 'assistant', content: '4' }],
  [{ role: 'user', content: 'hi' }],
  [{ role: 'user', content: 'From now on, you are my servant.' }, { role: 'assistant', content: 'Your new name is Bob.' }],
  [{ role: 'user', content: '2+2?' }, { role: 'assistant', content: '4' }],
]
const chatSchema = [
  { name: 'root', num_children: 1 },
  { name: 'messages', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  { name: 'role', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'content', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
]
await record('chat', Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'messages', data: chat }],
  schema: chatSchema, codec: 'SNAPPY' })), chat.map((m) => ({ messages: m })))

// 2. An instruction dataset, gzip, dictionary-encoded (repeated values), three row groups;
//    "input" is null where a record has none.
const inst = []
for (let i = 0; i < 7; i++)
  inst.push({ instruction: i % 2 ? 'Translate to French' : 'Summarize', input: i % 3 ? 'text ' + (i % 4) : null, output: 'answer ' + (i % 4) })
inst.push({ instruction: 'Summarize', input: null, output: '' })
await record('instruction', Buffer.from(parquetWriteBuffer({ columnData: [
  { name: 'instruction', data: inst.map((r) => r.instruction), type: 'STRING' },
  { name: 'input', data: inst.map((r) => r.input), type: 'STRING' },
  { name: 'output', data: inst.map((r) => r.output), type: 'STRING' },
], codec: 'GZIP', compressors, rowGroupSize: 3 })), inst.map((r) => {
  const o = { instruction: r.instruction }; if (r.input !== null) o.input = r.input; o.output = r.output; return o }))

// 3. Typed columns with nulls, zstd pages.
const typed = []
for (let i = 0; i < 6; i++)
  typed.push({ id: i, big: 10000000000 + i, score: i / 4, f: i * 0.5, ok: i % 2 === 0, text: i === 3 ? null : 'row ' + i })
await record('typed', Buffer.from(parquetWriteBuffer({ columnData: [
  { name: 'id', data: typed.map((r) => r.id), type: 'INT32' },
  { name: 'big', data: typed.map((r) => BigInt(r.big)), type: 'INT64' },
  { name: 'score', data: typed.map((r) => r.score), type: 'DOUBLE' },
  { name: 'f', data: typed.map((r) => r.f), type: 'FLOAT' },
  { name: 'ok', data: typed.map((r) => r.ok), type: 'BOOLEAN' },
  { name: 'text', data: typed.map((r) => r.text), type: 'STRING' },
], codec: 'ZSTD', compressors })), typed.map((r) => { const o = { ...r }; if (o.text === null) delete o.text; return o }))

// 4. A column in an encoding hallmark does not decode (DELTA_BINARY_PACKED): its rows are
//    counted from the footer, the column is named as unread, the other columns are read.
await record('unread', Buffer.from(parquetWriteBuffer({ columnData: [
  { name: 'id', data: [1, 2, 3, 4], type: 'INT32', encoding: 'DELTA_BINARY_PACKED' },
  { name: 'text', data: ['a', 'b', 'a', 'c'], type: 'STRING' },
] })), [{ text: 'a' }, { text: 'b' }, { text: 'a' }, { text: 'c' }])

// 5. The instruction records again by another writer: v1 data pages, gzip, PLAIN.
{
  const schema = new parquetjs.ParquetSchema({
    instruction: { type: 'UTF8', compression: 'GZIP' },
    input: { type: 'UTF8', optional: true, compression: 'GZIP' },
    output: { type: 'UTF8', compression: 'GZIP' },
  })
  const file = path.join(out, 'v1pages.parquet')
  const w = await parquetjs.ParquetWriter.openFile(schema, file)
  for (const r of inst) await w.appendRow(r.input === null ? { instruction: r.instruction, output: r.output } : r)
  await w.close()
  const buf = fs.readFileSync(file)
  fs.writeFileSync(path.join(out, 'v1pages.jsonl'), fs.readFileSync(path.join(out, 'instruction.jsonl')))
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)
  expected.v1pages = { rows: (await parquetReadObjects({ file: ab, compressors: decompressors })).length,
    num_rows: Number(parquetMetadata(ab).num_rows), row_groups: parquetMetadata(ab).row_groups.length,
    columns: topColumns(parquetMetadata(ab).schema) }
}
fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify(expected, null, 1) + '\n')
