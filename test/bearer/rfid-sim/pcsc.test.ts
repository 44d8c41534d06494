/**
 * pcsc.test.ts - the purse card in a real PC/SC reader: pcscd with vsmartcard's vpcd driver (our
 * own instance, src/tools/pcsc/pcscd.ts), the card bridged in over vpcd's protocol, and Debian's
 * independent tools on the other side: scriptor runs an APDU script (select, read the public
 * file, balance, a purchase opened and refused for its MAC, the log) and opensc-tool reads the
 * ATR and the balance; our own offline terminal pays a fare through pcscd (scriptor as its
 * reader link). Taking the card out shows in the reader.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { purseAid } from '../../../src/bearer/rfid-sim/card-files.js'
import { emptyCardState, MemoryCardStore } from '../../../src/bearer/rfid-sim/card-state.js'
import { PurseCard } from '../../../src/bearer/rfid-sim/purse-card.js'
import { cardNumberOf } from '../../../src/bearer/rfid-sim/sim-cards.js'
import { defaultTerminals } from '../../../src/bearer/rfid-sim/terminal/fares.js'
import { OfflineTerminal } from '../../../src/bearer/rfid-sim/terminal/offline-terminal.js'
import { Psam } from '../../../src/bearer/rfid-sim/terminal/psam.js'
import { TerminalRecordStore } from '../../../src/bearer/rfid-sim/terminal/record-store.js'
import { ScriptorLink } from '../../../src/bearer/rfid-sim/terminal/scriptor-link.js'
import { atr, VpcdBridge } from '../../../src/bearer/rfid-sim/vpcd-bridge.js'
import { KeyStore, testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import type { Pcscd } from '../../../src/tools/pcsc/pcscd.js'
import { pcscInstalled, pcscSkipReason, startPcscd } from '../../../src/tools/pcsc/pcscd.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'
import { loadCardAsHost } from '../../support/rfid-sim.js'

const run = promisify(execFile)
const cardNumber = '86010000861380013800'
const skipped = pcscSkipReason ?? ''

let pcscd: Pcscd
let bridge: VpcdBridge

beforeAll(async () => {
  if (!pcscInstalled) return
  pcscd = await startPcscd()
  const store = new MemoryCardStore()
  store.commit(cardNumber, { ...emptyCardState, balanceFen: 1_234 })
  const card = new PurseCard({
    info: { issuer: '8601', cardType: 1, cardNumber, validFrom: '20260101', validTo: '20291231' },
    keys: new KeyStore(testMasterKeys).cardKeys(cardNumber),
    store,
  })
  bridge = new VpcdBridge(card, { host: '127.0.0.1', port: pcscd.port })
  bridge.start()
  await pcscd.waitForCard(() => bridge.inserted)
}, 30_000)

afterAll(async () => {
  await bridge?.stop()
  await pcscd?.stop()
})

/** Runs a scriptor script on the reader; its output lines. */
async function scriptor(lines: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-scriptor-'))
  const file = join(dir, 'script.apdu')
  writeFileSync(file, `${lines.join('\n')}\n`)
  const { stdout } = await run('scriptor', ['-r', pcscd.readerName, file], { timeout: 20_000 })
  return stdout
}

const spaced = (hex: string): string => hex.toUpperCase().replace(/(..)(?!$)/g, '$1 ')

describe('the purse card over PC/SC', () => {
  it.skipIf(!pcscInstalled)(`answers a scriptor APDU script ${skipped}`, async () => {
    const output = await scriptor([
      `00 A4 04 00 09 ${spaced(purseAid.toString('hex'))}`,
      '00 B0 95 00 1E',
      '80 5C 00 02 04',
      '80 50 01 02 0B 01 00 00 00 64 00 11 22 33 44 55 0F',
      '80 54 01 00 0F 00 00 00 01 20 26 12 07 09 30 00 00 00 00 00 08',
      '80 5C 00 02 04',
      '00 B2 01 C4 17',
    ])
    // scriptor prints each response after "< ", 16 bytes a line, then " : " and its meaning.
    const answers = [...output.matchAll(/< ((?:[0-9A-F]{2}\s+)+):/g)].map(
      (match) => `< ${(match[1] ?? '').replace(/\s+/g, ' ').trim()}`,
    )
    expect(answers).toHaveLength(7)
    expect(answers[0]).toMatch(/^< 6F 0D 84 09 F0 54 45 4C 45 50 41 59 01 A5 00 90 00/)
    // The public file carries the card number at bytes 4 to 13.
    expect(answers[1]).toContain(spaced(cardNumber))
    expect(answers[2]).toMatch(/^< 00 00 04 D2 90 00/)
    expect(answers[3]).toMatch(/^< 00 00 04 D2 00 00 00 00 00 01 00 .. .. .. .. 90 00/)
    // A MAC1 of zeros: 9302, and the purse is as it was.
    expect(answers[4]).toMatch(/^< 93 02/)
    expect(answers[5]).toMatch(/^< 00 00 04 D2 90 00/)
    expect(answers[6]).toMatch(/^< 6A 83/)
    expect(pcscd.log()).toContain('80 5C 00 02 04')
  })

  it.skipIf(!pcscInstalled)(`shows opensc-tool its ATR and balance ${skipped}`, async () => {
    const { stdout: atrText } = await run('opensc-tool', ['-r', '0', '-a'], { timeout: 20_000 })
    expect(atrText.trim()).toBe(
      [...atr].map((byte) => byte.toString(16).padStart(2, '0')).join(':'),
    )
    const { stdout } = await run(
      'opensc-tool',
      [
        '-r',
        '0',
        '-c',
        'default',
        '-s',
        `00A4040009${purseAid.toString('hex')}`,
        '-s',
        '805C000204',
      ],
      { timeout: 20_000 },
    )
    expect(stdout).toMatch(
      /Sending: 80 5C 00 02 04 \nReceived \(SW1=0x90, SW2=0x00\):\n00 00 04 D2/,
    )
  })

  it.skipIf(!pcscInstalled)(
    `pays a bus fare at our terminal through pcscd and scriptor ${skipped}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'telepay-pcsc-tap-'))
      const bus = defaultTerminals[0]
      if (bus === undefined) throw new Error('no bus gate')
      const records = new TerminalRecordStore(join(dir, 'bus.sqlite'))
      const terminal = new OfflineTerminal({
        psam: new Psam(new KeyStore(testMasterKeys), bus.terminalId),
        fare: bus.fare,
        records,
        blacklist: () => new Set(),
        zoneOffsetMs: 8 * 3_600_000,
      })
      const link = await ScriptorLink.open(pcscd.readerName)
      try {
        const result = await terminal.tap(link, Date.now())
        expect(result).toMatchObject({ kind: 'paid', record: { amountFen: 200 } })
        // The purse on the card is 12.34 less the fare: the same card scriptor reads.
        const balance = await link.transmit(Buffer.from('805C000204', 'hex'))
        expect(balance.toString('hex')).toBe('0000040a9000')
        expect(records.all()).toHaveLength(1)
      } finally {
        link.close()
        records.close()
      }
    },
    30_000,
  )

  it.skipIf(!pcscInstalled)(`leaves the reader empty when taken out ${skipped}`, async () => {
    await bridge.stop()
    const deadline = Date.now() + 10_000
    for (;;) {
      const answer = await run('opensc-tool', ['-r', '0', '-a'], { timeout: 20_000 }).catch(
        (error: { stderr?: string }) => ({ stdout: '', stderr: error.stderr ?? '' }),
      )
      if (answer.stdout.trim() === '') break
      if (Date.now() > deadline) throw new Error(`the reader still has a card: ${answer.stdout}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })
})

describe("a subscriber's card put in the reader by the gateway (onsite.pcscCards)", () => {
  it.skipIf(!pcscInstalled)(
    `is the same card over PC/SC as over the simulator's HTTP ${skipped}`,
    async () => {
      const insertedBefore = (pcscd.log().match(/card inserted/gi) ?? []).length
      const gw = await startTestGateway({
        overrides: { onsite: { pcscCards: [LI], vpcd: `127.0.0.1:${pcscd.port}` } },
      })
      try {
        const deadline = Date.now() + 10_000
        while ((pcscd.log().match(/card inserted/gi) ?? []).length <= insertedBefore) {
          if (Date.now() > deadline) throw new Error(`no card in the reader: ${pcscd.log()}`)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        await loadCardAsHost(gw, LI, 4_321)
        const output = await scriptor([
          `00 A4 04 00 09 ${spaced(purseAid.toString('hex'))}`,
          '80 5C 00 02 04',
          '00 B0 95 04 0A',
        ])
        expect(output).toContain('< 00 00 10 E1 90 00')
        expect(output.replace(/\s+/g, ' ')).toContain(`< ${spaced(cardNumberOf(LI))} 90 00`)
      } finally {
        await gw.close()
      }
    },
    30_000,
  )
})
