/**
 * crash-child.ts - the process the crash test kills. Run as
 *
 *   node --import tsx test/support/crash-child.ts \
 *     <ledger file> <payments> <in flight> [ack delay ms]
 *
 * It opens (and on first use seeds) a SQLite ledger, then submits payments crash:0 .. crash:N-1
 * through group commit, keeping <in flight> submissions outstanding at any time, and prints
 * `ACK <key> <transfer reference>` only once a payment's promise has resolved, that is after
 * the batch holding it committed. An ack delay holds each ACK back a little longer (never less),
 * so that a kill also lands between commits and their acknowledgements. A restarted child
 * re-submits every key from the start: the ones already applied must answer with their first
 * result. Other lines: `READY`, `NACK <key> <reason>` (a refusal, never expected),
 * `ERR <key> <message>` (a rejected promise), `DONE <n>`.
 */
import type { Envelope } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import { GroupCommit } from '../../src/ledger/group-commit.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import { prepareWorld } from '../../src/world/world.js'
import { crashNowMs, crashWorld, plannedPayment } from '../crash/plan.js'
import { commandHashOf } from './ledger-fixture.js'

// process.stdout is synchronous for pipes on Linux; either way, a line is only ever written after
// the commit that it acknowledges, so whatever the parent reads was durable first.
function say(line: string): void {
  process.stdout.write(`${line}\n`)
}

async function main(): Promise<void> {
  const [path, countText, inFlightText] = process.argv.slice(2)
  if (path === undefined || countText === undefined)
    throw new Error('usage: crash-child.ts <ledger file> <payments> [in flight]')
  const count = Number(countText)
  const inFlight = Number(inFlightText ?? '200')
  const ackDelayMs = Number(process.argv[5] ?? '0')
  const printed: Promise<void>[] = []
  const acknowledge = (line: string): void => {
    if (ackDelayMs <= 0) say(line)
    else
      printed.push(
        new Promise((resolve) =>
          setTimeout(() => {
            say(line)
            resolve()
          }, ackDelayMs),
        ),
      )
  }

  const ledger = new SqliteLedger(path, defaultLimits)
  if (await ledger.isEmpty()) {
    const world = await prepareWorld(crashWorld, (pin) => Promise.resolve(`fake$${pin}`))
    await ledger.seedWorld(world, crashNowMs)
  }
  const gc = new GroupCommit(ledger, 1_000, 100_000)
  say('READY')

  await new Promise<void>((resolve) => {
    let next = 0
    let outstanding = 0
    const pump = (): void => {
      while (outstanding < inFlight && next < count) {
        const planned = plannedPayment(next)
        next += 1
        outstanding += 1
        const env: Envelope = {
          key: planned.key,
          commandHash: commandHashOf(planned.command),
          channel: 'crash',
          nowMs: crashNowMs,
          pin: planned.pin,
          newPinHash: null,
          command: planned.command,
        }
        gc.submit(env)
          .then(
            (result) =>
              acknowledge(
                result.ok
                  ? `ACK ${planned.key} ${result.reference ?? '-'}`
                  : `NACK ${planned.key} ${result.reason ?? '-'}`,
              ),
            (error: unknown) =>
              say(`ERR ${planned.key} ${error instanceof Error ? error.message : String(error)}`),
          )
          .finally(() => {
            outstanding -= 1
            if (next >= count && outstanding === 0) resolve()
            else pump()
          })
      }
    }
    pump()
  })
  await Promise.all(printed)
  say(`DONE ${count}`)
  await ledger.close()
}

main().catch((error: unknown) => {
  process.stderr.write(
    `crash-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
