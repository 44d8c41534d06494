import { execFile, execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import type { Pdu } from '../../../src/bearer/smpp/pdu.js'
import type { SmppServer } from '../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import { telepayAccount } from './raw-peer.js'

function hasNetSmpp(): boolean {
  try {
    execFileSync('perl', ['-MNet::SMPP', '-e1'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Binds with Net::SMPP (an independent ESME) and prints one `key=value` line per step. */
const script = String.raw`
use strict; use Net::SMPP;
my ($port, $password) = @ARGV;
my ($smpp, $resp) = Net::SMPP->new_transceiver('127.0.0.1', port => $port, system_id => 'telepay',
  password => $password, smpp_version => 0x34, timeout => 5);
die "no connection\n" if !defined $resp;
print "bind=$resp->{status}\n";
exit 0 if $resp->{status} != 0;
$resp = $smpp->submit_sm(source_addr => '8613800138000', destination_addr => '12588',
  short_message => 'PAY 1001 25.00', data_coding => 0);
print "submit=$resp->{status} id=$resp->{message_id}\n";
$resp = $smpp->enquire_link();
print "enquire=$resp->{status}\n";
$resp = $smpp->unbind();
print "unbind=$resp->{status}\n";
`

function runPerl(port: number, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'perl',
      ['-e', script, String(port), password],
      { timeout: 15_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`))
        else resolve(stdout)
      },
    )
  })
}

const available = hasNetSmpp()
let smsc: SmppServer | undefined
afterEach(async () => {
  await smsc?.close()
  smsc = undefined
})

describe.skipIf(!available)('Net::SMPP (Perl, an independent ESME) against our server', () => {
  it('binds, submits, enquires and unbinds', async () => {
    const submitted: Pdu[] = []
    smsc = await startSmppServer({
      port: 0,
      accounts: [telepayAccount],
      onSubmit: async (_peer, pdu) => {
        submitted.push(pdu)
        return { status: 0, messageId: 'np-1' }
      },
    })
    const output = await runPerl(smsc.port, 'telepay')
    expect(output.trim().split('\n')).toEqual([
      'bind=0',
      'submit=0 id=np-1',
      'enquire=0',
      'unbind=0',
    ])
    expect(submitted[0]?.fields['short_message']).toEqual(Buffer.from('PAY 1001 25.00'))
    expect(smsc.counters.genericNacksSent).toBe(0)
  })

  it('gets ESME_RINVPASWD (0x0E = 14) for a wrong password', async () => {
    smsc = await startSmppServer({
      port: 0,
      accounts: [telepayAccount],
      onSubmit: async () => ({ status: 0 }),
    })
    expect((await runPerl(smsc.port, 'wrong')).trim()).toBe('bind=14')
  })
})

if (!available) {
  describe('Net::SMPP interop', () => {
    it.skip('skipped: Perl Net::SMPP is not installed (apt package libnet-smpp-perl)', () => {})
  })
}
