import { it, expect } from 'vitest'
import { spawn } from 'node:child_process'
import { PhoneEsme } from '../../../../channels/sms/phone-esme.js'
import { HAN, LI, startTestGateway } from '../../../support/gateway-fixture.js'

it('scratch', async () => {
  const gw = await startTestGateway()
  const port = gw.gateway.smpp!.port
  const ts = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', '/tmp/s.pcapng'], { stdio: ['ignore', 'ignore', 'pipe'] })
  await new Promise<void>((res) => ts.stderr.on('data', (d: Buffer) => { if (d.toString().includes('Capturing on')) res() }))
  const phones = new PhoneEsme({ host: '127.0.0.1', port })
  expect(await phones.bind()).toBeNull()
  for (const [who, text] of [[LI, 'BAL'], [LI, 'PAY 1001 25'], [LI, 'YES 1234'], [HAN, '余额'], [HAN, '帮助']] as const) {
    console.log(JSON.stringify(await phones.send(who, text, { receipt: true })))
    console.log(JSON.stringify(await phones.next(who, 3000)))
  }
  await new Promise((r) => setTimeout(r, 300))
  console.log(JSON.stringify(phones.receipts))
  await phones.close(); await gw.close()
  ts.kill('SIGINT'); await new Promise((r) => ts.once('exit', r))
  console.log('PORT', port)
}, 30000)
