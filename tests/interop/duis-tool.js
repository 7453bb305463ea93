#!/usr/bin/env node
// DCC Boxed's own client tooling, driven from the command line for sm-harness's interoperability tests:
// @smartdcc/duis-sign-wrap (DCC Boxed's signing and validation tool, a JAR run with Java) and
// @smartdcc/duis-parser. Both are installed at test time from the npm registry (package-lock.json).
//
//   node duis-tool.js sign FILE                 sign a DUIS request as DCC Boxed's client does; print
//                                               one JSON line: {"file", "ok", "signed", "parsed"}
//   node duis-tool.js validate FILE [FILE...]   check each message's XSD and signature as DCC Boxed's
//                                               client does; print one JSON line each: {"file", "ok",
//                                               "parsed" | "error"}
//
// Options: --preserve-counter (sign: keep the RequestID counter; by default the tool sets it to the
// current time in milliseconds, as DCC Boxed does). Exit code 0 when every file passed, 1 when one did
// not, 2 for bad usage. Reads only the files named; opens no network connection.
'use strict'

const { readFile } = require('node:fs/promises')
const { signDuis, validateDuis } = require('@smartdcc/duis-sign-wrap')
const { parseDuis } = require('@smartdcc/duis-parser')

function usage(message) {
  process.stderr.write(`duis-tool: ${message}\nusage: duis-tool.js sign FILE | validate FILE...\n`)
  process.exit(2)
}

// JSON cannot carry BigInt (duis-parser's counters): write them as decimal strings
function replacer(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value
}

function summary(parsed) {
  return { header: parsed.header, body: Object.keys(parsed.body ?? {}) }
}

async function sign(file, preserveCounter) {
  const xml = await readFile(file)
  const signed = await signDuis({ xml, preserveCounter })
  return { file, ok: true, signed, parsed: summary(parseDuis('simplified', signed)) }
}

async function validate(file) {
  try {
    const validated = await validateDuis({ xml: await readFile(file) })
    return { file, ok: true, parsed: summary(parseDuis('simplified', validated)) }
  } catch (error) {
    return { file, ok: false, error: String(error.message ?? error).trim() }
  }
}

async function main() {
  const args = process.argv.slice(2)
  const preserveCounter = args.includes('--preserve-counter')
  const [command, ...files] = args.filter((a) => a !== '--preserve-counter')
  if (command === 'sign' && files.length === 1) {
    let result
    try {
      result = await sign(files[0], preserveCounter)
    } catch (error) {
      result = { file: files[0], ok: false, error: String(error.message ?? error).trim() }
    }
    process.stdout.write(JSON.stringify(result, replacer) + '\n')
    return result.ok ? 0 : 1
  }
  if (command === 'validate' && files.length >= 1) {
    let failed = 0
    for (const file of files) {
      const result = await validate(file)
      failed += result.ok ? 0 : 1
      process.stdout.write(JSON.stringify(result, replacer) + '\n')
    }
    return failed ? 1 : 0
  }
  usage(command ? `unknown command or arguments: ${args.join(' ')}` : 'no command')
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`duis-tool: ${error.message ?? error}\n`)
    process.exit(1)
  },
)
