// Renders a messages.ndjson into Cucumber's standard HTML report with @cucumber/html-formatter.
//
//   node render_html.mjs path/to/messages.ndjson path/to/cucumber.html
//
// The formatter's stream takes envelope objects and writes the page (its own CSS and the React app that
// draws the report from the embedded messages). Exit code 1 on any error, nothing left at the target.
import { createWriteStream, readFileSync, renameSync, rmSync } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CucumberHtmlStream } from '@cucumber/html-formatter'

const [input, output] = process.argv.slice(2)
if (!input || !output) {
  process.stderr.write('usage: node render_html.mjs MESSAGES_NDJSON OUTPUT_HTML\n')
  process.exit(1)
}
const envelopes = readFileSync(input, 'utf-8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line))
const partial = `${output}.partial`
try {
  await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(partial))
  renameSync(partial, output)
} catch (error) {
  rmSync(partial, { force: true })
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
}
process.stdout.write(`${JSON.stringify({ envelopes: envelopes.length, output })}\n`)
