/** index.ts - re-exports the SMS text layer: alphabets, data_coding, segmentation, reassembly, receipts. */
export * from './coding.js'
export * from './gsm7.js'
export * from './limits.js'
export * from './reassembly.js'
export * from './receipt.js'
export * from './segment.js'
