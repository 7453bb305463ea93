// Checks a cucumber.json with Cucumber's own validator, @cucumber/cucumber-json-converter, and prints what
// the converter made of it as one JSON line: {"implementation", "features", "scenarios", "statuses", "embeddings"}.
//
//   node check_cucumber_json.mjs path/to/cucumber.json
//
// The published converter (0.0.3) predates Cucumber's own schema for step and hook `embeddings` (added to
// cucumber-json-schema's cucumber-jvm.json in 0.2.0, not on the npm registry), and its schemas forbid
// unknown properties. So the embeddings are taken out first and checked here against that later shape
// (`mime_type` and `data` strings, an optional `name`, nothing else, `data` valid base64); everything else
// goes to the converter unchanged. Exit code 1, with the reason on stderr, when either check fails.
import { readFileSync } from 'node:fs'
import { convert } from '@cucumber/cucumber-json-converter'

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function fail(message) {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

function takeEmbeddings(holder, where, found) {
  if (!('embeddings' in holder)) return
  const embeddings = holder.embeddings
  delete holder.embeddings
  if (!Array.isArray(embeddings)) fail(`${where}: embeddings is not an array`)
  embeddings.forEach((embedding, i) => {
    const at = `${where}.embeddings[${i}]`
    const keys = Object.keys(embedding)
    const extra = keys.filter((k) => !['mime_type', 'data', 'name'].includes(k))
    if (extra.length) fail(`${at}: unknown properties ${extra.join(', ')}`)
    if (typeof embedding.mime_type !== 'string') fail(`${at}: mime_type must be a string`)
    if (typeof embedding.data !== 'string' || !BASE64.test(embedding.data)) fail(`${at}: data must be base64`)
    if ('name' in embedding && typeof embedding.name !== 'string') fail(`${at}: name must be a string`)
    found.push(embedding.mime_type)
  })
}

const path = process.argv[2]
if (!path) fail('usage: node check_cucumber_json.mjs FILE')
let data
try {
  data = JSON.parse(readFileSync(path, 'utf-8'))
} catch (error) {
  fail(`${path}: not JSON: ${error.message}`)
}
const embeddings = []
if (Array.isArray(data)) {
  data.forEach((feature, f) => {
    ;(feature.elements || []).forEach((element, e) => {
      const at = `[${f}].elements[${e}]`
      ;(element.steps || []).forEach((step, s) => takeEmbeddings(step, `${at}.steps[${s}]`, embeddings))
      for (const kind of ['before', 'after']) {
        ;(element[kind] || []).forEach((hook, h) => takeEmbeddings(hook, `${at}.${kind}[${h}]`, embeddings))
      }
    })
  })
}
let converted
try {
  converted = convert(data)
} catch (error) {
  fail(error.message)
}
const statuses = {}
let scenarios = 0
for (const feature of converted.features) {
  for (const element of feature.elements) {
    if (element.type !== 'scenario') continue
    scenarios += 1
    for (const step of [...(element.before || []), ...element.steps, ...(element.after || [])]) {
      statuses[step.result.status] = (statuses[step.result.status] || 0) + 1
    }
  }
}
process.stdout.write(`${JSON.stringify({
  implementation: converted.implementation,
  features: converted.features.length,
  scenarios,
  statuses,
  embeddings: embeddings.length,
  mime_types: [...new Set(embeddings)].sort(),
})}\n`)
