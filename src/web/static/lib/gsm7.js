/**
 * gsm7.js - whether a text fits GSM 03.38's default alphabet (with its extension table): a USSD
 * page holds 182 such characters, and 80 when one character needs UCS-2 (docs/contract.md
 * section 5). The meter under a USSD screen counts with it, extension characters as two.
 */

const basic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const extension = '^{}\\[~]|€\f'

/** { coding: 'GSM-7' | 'UCS-2', used, max } for a USSD page's text. */
export function ussdMeter(text) {
  let used = 0
  for (const char of text) {
    if (basic.includes(char)) used += 1
    else if (extension.includes(char)) used += 2
    else return { coding: 'UCS-2', used: [...text].length, max: 80 }
  }
  return { coding: 'GSM-7', used, max: 182 }
}
