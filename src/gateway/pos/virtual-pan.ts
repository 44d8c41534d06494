/**
 * virtual-pan.ts - the card number a shop terminal sends for a phone: not a bank's card, a
 * 19-digit token of the MSISDN (field 2 holds at most 19 digits; the RFID-SIM's card number has
 * 20). 880 (an issuer number of the telecom industry's first digit, 8, that no bank card uses),
 * the MSISDN in 15 digits, and a Luhn check digit, so that a terminal's own check of the number
 * passes. Exports panOfMsisdn, msisdnOfPan.
 */

const issuerDigits = '880'

function luhnDigit(digits: string): number {
  let sum = 0
  for (let index = 0; index < digits.length; index += 1) {
    // Doubled from the rightmost digit of the number without its check digit.
    let digit = Number(digits[digits.length - 1 - index])
    if (index % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2
    sum += digit
  }
  return (10 - (sum % 10)) % 10
}

/** The token of an MSISDN (at most 15 digits). */
export function panOfMsisdn(msisdn: string): string {
  if (!/^[1-9][0-9]{0,14}$/.test(msisdn)) throw new RangeError('an MSISDN is 1 to 15 digits')
  const body = `${issuerDigits}${msisdn.padStart(15, '0')}`
  return `${body}${luhnDigit(body)}`
}

/** The MSISDN a token stands for; null for any other number or a wrong check digit. */
export function msisdnOfPan(pan: string): string | null {
  if (!/^880[0-9]{16}$/.test(pan)) return null
  const body = pan.slice(0, -1)
  if (luhnDigit(body) !== Number(pan.slice(-1))) return null
  const msisdn = body.slice(3).replace(/^0+/, '')
  return msisdn === '' ? null : msisdn
}
