import { it } from 'vitest'
import { spawn } from 'node:child_process'
import { startTestGateway } from '../../../support/gateway-fixture.js'
import { DriveSmpp } from '../../../support/kannel.js'

it('scratch', async () => {
  const drive = await DriveSmpp.start(20)
  const ts = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${drive.port}`, '-w', '/tmp/drive.pcapng'], { stdio: ['ignore', 'ignore', 'pipe'] })
  await new Promise<void>((res) => ts.stderr.on('data', (d: Buffer) => { if (d.toString().includes('Capturing on')) res() }))
  const gw = await startTestGateway({ overrides: { logLevel: 'debug', sms: { mode: 'operator', upstream: `smpp://telepay:telepay@127.0.0.1:${drive.port}?bind=transmitter%2Breceiver` } } })
  try {
    await new Promise((r) => setTimeout(r, 3000))
    await gw.close()
    console.log('PRINTED\n' + await drive.finished(10000))
  } finally { await drive.stop(); ts.kill('SIGINT'); await new Promise((r) => ts.once('exit', r)) }
}, 40000)
