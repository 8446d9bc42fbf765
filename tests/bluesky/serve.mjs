// A real Bluesky PDS and its PLC directory, on loopback, for tocsin's tests.
//
//   node serve.mjs INSTALL_DIR
//
// INSTALL_DIR: the folder tests/bluesky/install.py filled (node_modules of package-lock.json).
// The PLC directory keeps its operations in memory; the PDS keeps its SQLite files in a
// temporary folder removed at exit. Both listen on free ports of 127.0.0.1 only. Hand-written
// configuration: no e-mail, no invite codes, no crawlers, no app view, no rate limits.
// When both answer, one JSON line goes to stdout: {"pds": URL, "plc": URL}. The servers stop on
// SIGTERM, SIGINT, or when stdin closes (the test process went away).

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const HOST = '127.0.0.1'
const installDir = process.argv[2]
if (!installDir) {
  console.error('usage: node serve.mjs INSTALL_DIR')
  process.exit(2)
}
const require = createRequire(join(installDir, 'package.json'))
const pdsLib = require('@atproto/pds')
const plcLib = require('@did-plc/server')

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

// Express's app.listen(port) binds every interface: bind loopback only.
function loopbackOnly(app) {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => listen(port, HOST, ...rest)
}

const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-pds-'))
let plc
let pds
let stopping = false

async function stop(code) {
  if (stopping) return
  stopping = true
  try {
    await pds?.destroy()
    await plc?.destroy()
  } catch (err) {
    console.error(`stopping: ${err}`)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(code)
  }
}

process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
process.stdin.on('end', () => stop(0))
process.stdin.on('error', () => stop(0))
process.stdin.resume()

try {
  const plcPort = await freePort()
  plc = plcLib.PlcServer.create({ db: plcLib.Database.mock(), port: plcPort })
  loopbackOnly(plc.app)
  await plc.start()
  const plcUrl = `http://${HOST}:${plcPort}`

  const pdsPort = await freePort()
  const env = {
    port: pdsPort,
    hostname: 'localhost',
    devMode: true, // no SSRF guard: the PLC directory is on loopback
    version: '0.0.0-tocsin-test',
    dataDirectory: dataDir,
    blobstoreDiskLocation: join(dataDir, 'blobs'),
    serviceHandleDomains: ['.test'],
    didPlcUrl: plcUrl,
    inviteRequired: false,
    crawlers: [],
    rateLimitsEnabled: false,
    acceptingImports: false,
    jwtSecret: randomBytes(32).toString('hex'),
    adminPassword: randomBytes(16).toString('hex'),
    plcRotationKeyK256PrivateKeyHex: randomBytes(32).toString('hex'),
  }
  pds = await pdsLib.PDS.create(pdsLib.envToCfg(env), pdsLib.envToSecrets(env))
  loopbackOnly(pds.app)
  await pds.start()
  process.stdout.write(
    JSON.stringify({ pds: `http://${HOST}:${pdsPort}`, plc: plcUrl }) + '\n',
  )
} catch (err) {
  console.error(`tocsin test PDS did not start: ${err?.stack ?? err}`)
  await stop(1)
}
