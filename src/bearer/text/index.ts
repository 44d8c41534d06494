/**
 * index.ts - re-exports the SMPP bearer's text layer, which SMS and USSD share: alphabets,
 * data_coding, segmentation, reassembly, receipts.
 */
export * from './coding.js'
export * from './gsm7.js'
export * from './limits.js'
export * from './reassembly.js'
export * from './receipt.js'
export * from './segment.js'
