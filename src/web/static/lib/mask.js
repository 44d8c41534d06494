/**
 * mask.js - PINs never shown: the drawer and the thread show what was typed with its PIN as
 * stars, as the command-line phones do (`YES ****`). The recorder keeps the typed text (a
 * conformance script needs the PIN); only what is drawn is masked.
 */

const stars = (digits) => '*'.repeat(Math.max(4, digits.length))

/** An SMS text with the PINs of the grammar masked: YES/Y/确认 <PIN>, PIN <old> <new>, REG. */
export function maskSmsText(text) {
  return text
    .replace(/^(\s*(?:yes|y|确认)\s+)(\S+)/iu, (_all, head, pin) => head + stars(pin))
    .replace(/^(\s*pin\s+)(\S+)(\s+)(\S+)/iu, (_all, head, old, gap, next) => {
      return head + stars(old) + gap + stars(next)
    })
    .replace(/^(\s*(?:reg|注册)\s+.+\s)(\d{4,6})\s*$/iu, (_all, head, pin) => head + stars(pin))
}

/** Whether a screen asks for a PIN (USSD and the WAP login say so in either language). */
export function asksForPin(text) {
  return /\bPIN\b|密码/iu.test(text)
}

export function maskDigits(digits) {
  return digits.replace(/[0-9]/g, '*')
}
