#!/usr/bin/env node
// A DCC Boxed client for sm-harness's interoperability test: it talks to a DSP exactly as DCC's own
// client does (the Node-RED nodes @smartdcc/dccboxed-nodered-nodes, src/dccboxed-config.ts `request()`
// and `asyncWorkerSend()`, src/dccboxed-send.ts), with DCC Boxed's own tooling installed from the npm
// registry: @smartdcc/duis-parser builds and reads DUIS, @smartdcc/duis-sign-wrap (DCC Boxed's signing
// and validation tool, a JAR run with Java) signs every request and validates every message received.
//
//   node boxed-client.js --dsp http://127.0.0.1:PORT [--gbcs-key EUI=FILE ...]
//
// On start it listens on a loopback port for the DSP's asynchronous messages (its "response endpoint")
// and prints one JSON line: {"ready": true, "receiver": URL}. Then it reads one JSON command per line on
// stdin and answers each with one JSON line on stdout:
//
//   {"op": "send", "xml": DUIS}         build the request from the template as DCC's client does
//      [, "tamper": [FROM, TO]]         (parse, construct: schemaVersion 5.2, EUI-64s lower case), sign
//                                       it (the RequestID counter kept unless it is 0), POST it to the
//                                       web service of its Command Variant, check the answer's
//                                       Content-Type, validate and parse it; a Transform Service I0 is
//                                       completed: the PreCommand signed with the originator's GBCS key
//                                       (--gbcs-key) and sent back as a Signed Pre-Command (CV 5). With
//                                       "tamper", the signed XML has FROM replaced by TO before it is sent.
//      -> {"ok", "steps": [{"endpoint", "status", "responseCode", "header", "body"}], "error"?}
//   {"op": "received"}                  -> {"ok": true, "messages": [{"ok", "validated", "parsed", "header",
//                                       "body", "error"?}]}: every asynchronous message so far, as the
//                                       client's response endpoint took it (204) or refused it (400)
//   {"op": "quit"}
//
// The GBCS signature is made as DCC's gbcs-parser `signGroupingHeader` makes it (which this project does
// not install: it is not on the npm registry): the pre-command without its empty signature length, ECDSA
// P-256 / SHA-256 over every byte after the 0xDF tag, r || s, appended after a 0x40 length byte.
// Connects only to --dsp and listens only on loopback. Exit code 2 for bad usage.
'use strict'

const http = require('node:http')
const crypto = require('node:crypto')
const readline = require('node:readline')
const { readFileSync } = require('node:fs')
const { signDuis, validateDuis } = require('@smartdcc/duis-sign-wrap')
const {
  constructDuis,
  isSimplifiedDuisInputRequest,
  isSimplifiedDuisOutputResponse,
  isSimplifiedDuisResponseBody_ResponseMessage_X,
  lookupCV,
  parseDuis,
} = require('@smartdcc/duis-parser')

const PATHS = {
  'Non-Device Service': '/api/v1/serviceD',
  'Send Command Service': '/api/v1/serviceS',
  'Transform Service': '/api/v1/serviceT',
}
const REQUEST_TIMEOUT_MS = 3000 // dccboxed-config.ts: got(..., { timeout: { request: 3000 } })

function usage(message) {
  process.stderr.write(`boxed-client: ${message}\nusage: boxed-client.js --dsp URL [--gbcs-key EUI=FILE ...]\n`)
  process.exit(2)
}

function options(argv) {
  let dsp
  const keys = new Map()
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]]
    if (value === undefined) usage(`${flag} needs a value`)
    if (flag === '--dsp') dsp = value.replace(/\/$/, '')
    else if (flag === '--gbcs-key') {
      const [eui, file] = value.split('=')
      if (!file) usage(`--gbcs-key ${value}: expected EUI=FILE`)
      keys.set(eui.toLowerCase(), crypto.createPrivateKey({ key: readFileSync(file), format: 'der', type: 'pkcs8' }))
    } else usage(`unknown option ${flag}`)
  }
  if (!dsp || !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(dsp)) usage('--dsp must be a loopback http URL')
  return { dsp, keys }
}

// JSON cannot carry BigInt (duis-parser's counters): decimal strings
function replacer(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value
}

function summary(parsed) {
  return { header: parsed.header, body: Object.keys(parsed.body ?? {}), message: parsed.body }
}

// --- the GBCS pre-command, signed as gbcs-parser's signGroupingHeader signs it -------------------------

function contentEnd(buf) {
  // general-signing: DF, transaction id (09 + 9), originator (08 + 8), recipient (08 + 8), date-time
  // (00 or 0C + 12), other information (length + bytes), content (DER-style length + bytes)
  let at = 1
  const fixed = (n) => {
    if (buf[at] !== n) throw new Error(`pre-command byte ${at}: expected length ${n}`)
    at += 1 + n
  }
  const length = () => {
    const first = buf[at++]
    if (first < 0x80) return first
    const n = first & 0x7f
    let value = 0
    for (let k = 0; k < n; k++) value = value * 256 + buf[at++]
    return value
  }
  fixed(9)
  fixed(8)
  fixed(8)
  at += 1 + buf[at]
  const other = length() // read before it is added: `at += length()` would add to the old `at`
  at += other
  const content = length()
  at += content
  if (at > buf.length) throw new Error('pre-command truncated')
  return at
}

function signPreCommand(payload, key) {
  let tbs = Buffer.from(payload, 'base64')
  if (tbs.length === 0 || tbs[0] !== 0xdf) throw new Error('not general signing apdu')
  const end = contentEnd(tbs)
  if (tbs.length === end + 1 && tbs[end] === 0x00) tbs = tbs.subarray(0, end) // the empty signature length
  else if (tbs.length !== end) throw new Error('already signed')
  const signature = crypto.sign('SHA256', tbs.subarray(1), { key, dsaEncoding: 'ieee-p1363' })
  if (signature.length !== 64) throw new Error('unexpected signature length')
  return Buffer.concat([tbs, Buffer.from([64]), signature]).toString('base64')
}

// --- talking to the DSP, as dccboxed-config.ts does ------------------------------------------------------

async function send(dsp, request, endpoint, preserveCounter, steps, tamper) {
  let signed = await signDuis({ xml: constructDuis('simplified', request), preserveCounter })
  if (tamper) signed = signed.split(tamper[0]).join(tamper[1])
  const response = await fetch(`${dsp}${PATHS[endpoint]}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/xml' },
    body: signed,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const text = await response.text()
  const step = { endpoint, status: response.status }
  steps.push(step)
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${PATHS[endpoint]}: ${text.trim()}`) // throwHttpErrors
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim()
  if (type !== 'application/xml') {
    throw new Error(`incorrect content-type header received, expected application/xml, received: ${type}`)
  }
  const parsed = parseDuis('simplified', await validateDuis({ xml: text }))
  if (!isSimplifiedDuisOutputResponse(parsed)) throw new Error('invalid simplified duis response')
  Object.assign(step, { responseCode: parsed.header.responseCode }, summary(parsed))
  return parsed
}

async function request(dsp, keys, xml, tamper) {
  const steps = []
  try {
    const req = parseDuis('simplified', xml)
    if (!isSimplifiedDuisInputRequest(req)) throw new Error('input not a simplified duis request structure')
    const cv = lookupCV(req.header.commandVariant.number ?? req.header.commandVariant)
    if (cv.number === 3 || cv.number === 7) throw new Error(`tried to send a cv not supported by DCC Boxed: ${cv.number}`)
    const counter = req.header.requestId.counter
    const res = await send(dsp, req, cv.webService, counter !== 0 && counter !== BigInt(0), steps, tamper)
    if (cv.webService === 'Transform Service' && res.header.responseCode === 'I0') {
      if (!res.header.requestId || !isSimplifiedDuisResponseBody_ResponseMessage_X('PreCommand', res.body)) {
        throw new Error('unexpected response from transform service')
      }
      const originator = res.header.requestId.originatorId.toLowerCase()
      const key = keys.get(originator)
      if (!key) throw new Error(`no GBCS signing key for ${originator}`)
      const signedPreCommand = {
        header: {
          type: 'request',
          requestId: res.header.requestId,
          commandVariant: 5,
          serviceReference: res.body.ResponseMessage.ServiceReference,
          serviceReferenceVariant: res.body.ResponseMessage.ServiceReferenceVariant,
        },
        body: { SignedPreCommand: { GBCSPayload: signPreCommand(res.body.ResponseMessage.PreCommand.GBCSPayload, key) } },
      }
      await send(dsp, signedPreCommand, 'Send Command Service', true, steps)
    }
    return { ok: true, steps }
  } catch (error) {
    return { ok: false, steps, error: String(error.message ?? error).trim() }
  }
}

// --- the response endpoint: every asynchronous message validated and parsed ---------------------------

function receiver(received) {
  let queue = Promise.resolve() // one JVM at a time: validations run in arrival order
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim()
      if (req.method !== 'POST' || type !== 'application/xml') {
        res.writeHead(404).end()
        return
      }
      const body = Buffer.concat(chunks)
      queue = queue.then(async () => {
        // as dccboxed-config.ts's response endpoint: validate, parse, 204; anything else 400. The record
        // says which step failed: `validated` (DCC Boxed's validator) and `parsed` (duis-parser's Response)
        let validated
        try {
          validated = await validateDuis({ xml: body })
        } catch (error) {
          received.push({ ok: false, validated: false, parsed: false, error: String(error.message ?? error).trim() })
          res.writeHead(400).end()
          return
        }
        let parsed
        try {
          parsed = parseDuis('simplified', validated)
        } catch (error) {
          received.push({ ok: false, validated: true, parsed: false, error: String(error.message ?? error).trim() })
          res.writeHead(400).end()
          return
        }
        const ok = isSimplifiedDuisOutputResponse(parsed)
        received.push({ ok, validated: true, parsed: ok, ...summary(parsed), ...(ok ? {} : { error: 'expected duis response' }) })
        res.writeHead(ok ? 204 : 400).end()
      })
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

async function main() {
  const { dsp, keys } = options(process.argv.slice(2))
  const received = []
  const server = await receiver(received)
  const out = (answer) => process.stdout.write(JSON.stringify(answer, replacer) + '\n')
  out({ ready: true, receiver: `http://127.0.0.1:${server.address().port}/duis` })
  for await (const line of readline.createInterface({ input: process.stdin })) {
    let command
    try {
      command = JSON.parse(line)
    } catch {
      out({ ok: false, error: 'not a JSON line' })
      continue
    }
    if (command.op === 'send') out(await request(dsp, keys, command.xml, command.tamper))
    else if (command.op === 'received') out({ ok: true, messages: received })
    else if (command.op === 'quit') break
    else out({ ok: false, error: `unknown op ${command.op}` })
  }
  server.close()
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`boxed-client: ${error.message ?? error}\n`)
    process.exit(1)
  },
)
