/**
 * offered.ts - the USSD menus under the running operating model: an option that sets an account
 * the model does not offer is dropped and the rest are numbered anew (a bank's subscriber sees
 * `1 Bank card`, not a wallet the core would refuse). A screen left with no option is a problem:
 * the menus cannot serve that model. Exports offeredMenus.
 */
import type { FundingKind } from '../../../src/core/index.js'
import { isOffered } from '../../../src/gateway/menus/index.js'
import type { MenuSet, MenuState, Problem } from './menu-model.js'

export function offeredMenus(
  menus: MenuSet,
  accounts: readonly FundingKind[],
): { readonly menus: MenuSet; readonly problems: readonly Problem[] } {
  const problems: Problem[] = []
  const states = new Map<string, MenuState>()
  for (const [name, state] of menus.states) {
    if (state.kind !== 'options') {
      states.set(name, state)
      continue
    }
    const options = state.options.filter((option) => isOffered(option, accounts))
    if (options.length === 0)
      problems.push({
        file: state.file,
        state: name,
        message: `no option is left under the operating model (it offers ${accounts.join(', ')})`,
      })
    states.set(name, options.length === state.options.length ? state : { ...state, options })
  }
  return { menus: { ...menus, states }, problems }
}
