/**
 * operating-models.test.ts - the shipped call scripts pay from the operating model's default
 * account (`{default_account}` in menus/ivr/main.yaml): the wallet where the model offers one,
 * the bank card under the bank model, which offers no wallet. A call asks no account.
 */
import { describe, expect, it } from 'vitest'
import { loadIvrEngine } from '../../../../channels/ivr/flow/index.js'
import { defaultFundingOf, operatingModelIds } from '../../../../src/core/index.js'
import { Caller, LI } from './ivr-driver.js'

describe.each(operatingModelIds)('a call under the %s model', (model) => {
  const funding = defaultFundingOf(model)
  const engine = loadIvrEngine(undefined, { defaultFunding: funding })

  it(`pays an order, a bill and airtime from the ${funding}`, () => {
    const order = Caller.dial(engine)
    order.press('2')
    expect(order.pressForCommand('880001#').command).toMatchObject({ kind: 'pay_order', funding })

    const bill = Caller.dial(engine)
    bill.press('3')
    bill.press('2001#')
    bill.press('8812345#')
    expect(bill.pressForCommand('30#').command).toMatchObject({ kind: 'pay_bill', funding })

    const airtime = Caller.dial(engine)
    airtime.press('4')
    airtime.press('1')
    expect(airtime.pressForCommand('10#').command).toMatchObject({
      kind: 'top_up_airtime',
      beneficiaryMsisdn: LI,
      funding,
    })
  })
})
