/**
 * default-world.ts - the default fixture world of SPEC section 2, loaded by `npm start` on an
 * empty database and by the conformance runner for every script. Its merchants settle with the
 * two banks whose cards it holds: Li's ICBC card can pay 1001, 1002 and 3001 under the bank
 * operating model, Zhang's CCB card the two billers.
 */
import type { WorldSpec } from '../../world/world.js'

export const defaultWorld: WorldSpec = {
  subscribers: [
    {
      msisdn: '8613800138000',
      name: 'Li Lei',
      pin: '1234',
      language: 'en',
      phoneBill: { balance: '50.00', creditLimit: '100.00' },
      wallet: '500.00',
      card: { bank: 'ICBC', last4: '1234', bankBalance: '10000.00' },
    },
    {
      msisdn: '8613800138001',
      name: 'Han Meimei',
      pin: '4321',
      language: 'zh',
      phoneBill: { balance: '20.00', creditLimit: '0.00' },
      wallet: '20.00',
      card: null,
    },
    {
      msisdn: '8613900139000',
      name: 'Zhang Wei',
      pin: '1111',
      language: 'en',
      phoneBill: { balance: '0.00', creditLimit: '0.00' },
      wallet: '0.00',
      card: { bank: 'CCB', last4: '9000', bankBalance: '200.00' },
    },
  ],
  merchants: [
    { code: '1001', name: 'Ringtone Store', category: 'merchant', settlementBank: 'ICBC' },
    { code: '1002', name: 'Cinema Tickets', category: 'merchant', settlementBank: 'ICBC' },
    { code: '2001', name: 'City Water', category: 'biller', settlementBank: 'CCB' },
    { code: '2002', name: 'State Grid Power', category: 'biller', settlementBank: 'CCB' },
    { code: '3001', name: 'Metro', category: 'merchant', settlementBank: 'ICBC' },
  ],
  orders: [
    {
      orderNo: '880001',
      merchantCode: '1002',
      amount: '80.00',
      reference: 'cinema-880001',
      description: 'Cinema tickets',
    },
  ],
}
