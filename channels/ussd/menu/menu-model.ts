/**
 * menu-model.ts - the USSD menus as loaded from menus/ussd/*.yaml: the one menu model
 * (src/gateway/menus/model.ts) with what a screen adds: labelled options, an input that may
 * repeat another (a new PIN), the service code and the engine's screen texts. Plain data; the
 * YAML shape is described in the header comment of menus/ussd/main.yaml.
 */
import type {
  MenuChoice,
  MenuCommand,
  MenuSetBase,
  MenuInput as SharedInput,
  StateBase,
  Texts,
} from '../../../src/gateway/menus/index.js'

export type { MenuCommand, Problem, Texts } from '../../../src/gateway/menus/index.js'

/** A choice shown as a numbered line; `set: { language: zh }` switches the session language. */
export interface MenuOption extends MenuChoice {
  readonly label: Texts
}

export interface MenuInput extends SharedInput {
  /** For new_pin_repeat: the value (a new PIN) the input must repeat. */
  readonly sameAs: string | null
}

export type MenuState =
  | (StateBase & {
      readonly kind: 'options'
      readonly text: Texts
      readonly options: readonly MenuOption[]
    })
  | (StateBase & { readonly kind: 'input'; readonly text: Texts; readonly input: MenuInput })
  | (StateBase & { readonly kind: 'command'; readonly command: MenuCommand })
  | (StateBase & { readonly kind: 'end'; readonly text: Texts })

/** The texts the engine itself shows, written in main.yaml under `texts:`. */
export const systemTextKeys = [
  'more',
  'back',
  'wrong_choice',
  'too_many_wrong',
  'wrong_service',
  'timeout',
  'restart',
] as const
export type SystemTextKey = (typeof systemTextKeys)[number]

/** `home` is the state `*123#` and `00` open; `results` word the core's answers for a screen. */
export interface MenuSet extends MenuSetBase<MenuState, SystemTextKey> {
  /** The service code served, as dialled: `*123#`. */
  readonly service: string
}
