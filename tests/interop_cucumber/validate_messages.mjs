// Validates every line of a messages.ndjson against the JSON schema that @cucumber/messages ships
// (messages.schema.json, JSON Schema 2020-12, checked with ajv), and that each envelope holds exactly one
// message. Prints one JSON line: {"envelopes": N, "types": {"meta": 1, ...}, "order": [first-seen types]}.
//
//   node validate_messages.mjs path/to/messages.ndjson
//
// Exit code 1 with every invalid line (number, message type, ajv's errors) on stderr.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Ajv2020 from 'ajv/dist/2020.js'

const require = createRequire(import.meta.url)
const schema = JSON.parse(readFileSync(require.resolve('@cucumber/messages/schema'), 'utf-8'))
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema)

const path = process.argv[2]
if (!path) {
  process.stderr.write('usage: node validate_messages.mjs FILE\n')
  process.exit(1)
}
const lines = readFileSync(path, 'utf-8').split('\n')
const types = {}
const order = []
const problems = []
let envelopes = 0
lines.forEach((line, i) => {
  if (line.trim() === '') return
  envelopes += 1
  let envelope
  try {
    envelope = JSON.parse(line)
  } catch (error) {
    problems.push(`line ${i + 1}: not JSON: ${error.message}`)
    return
  }
  const keys = Object.keys(envelope)
  if (keys.length !== 1) problems.push(`line ${i + 1}: an envelope holds one message, this one ${keys.length}`)
  const type = keys.join('+')
  types[type] = (types[type] || 0) + 1
  if (!order.includes(type)) order.push(type)
  if (!validate(envelope)) {
    problems.push(`line ${i + 1} (${type}): ${JSON.stringify(validate.errors)}`)
  }
})
if (problems.length) {
  process.stderr.write(`${problems.join('\n')}\n`)
  process.exit(1)
}
process.stdout.write(`${JSON.stringify({ envelopes, types, order })}\n`)
