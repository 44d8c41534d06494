/**
 * response-meanings.ts - what each field 39 code the host answers says, in words, for a
 * terminal's screen and the command line (the codes: response-codes.ts). Exports
 * responseMeaning.
 */
const meanings: Readonly<Record<string, string>> = {
  '00': 'approved',
  '03': 'a terminal the host does not serve',
  '05': 'declined by the bank',
  '12': 'invalid transaction',
  '13': 'invalid amount',
  '14': 'invalid card (no registered phone)',
  '25': 'original not found',
  '30': 'format error',
  '51': 'insufficient funds',
  '55': 'wrong PIN',
  '61': 'over a limit',
  '75': 'PIN tries exceeded: locked',
  '91': 'the bank is unavailable',
  '94': 'duplicate',
  '96': 'system malfunction',
  A0: 'MAC error: sign on again',
}

export function responseMeaning(code: string): string {
  return meanings[code] ?? 'unknown code'
}
