/**
 * menu-model.ts - the USSD menus as loaded from menus/ussd/*.yaml: states (options, input,
 * command, end), the system texts and the problems a check finds. Plain data; the YAML shape is
 * described in the header comment of menus/ussd/main.yaml. Exports the types.
 */

/** Both languages of one text (the menu files' reader refuses a file without either). */
import type { Texts } from '../../../src/gateway/menus/index.js'
export type { Texts }

export interface MenuOption {
  readonly label: Texts
  readonly to: string
  /** Values set when the option is chosen (`account: wallet`); `language` switches the session language. */
  readonly set: Readonly<Record<string, string>>
}

export interface MenuInput {
  /** The session value the input is kept under. */
  readonly name: string
  readonly validator: string
  readonly next: string
  /** For new_pin_repeat: the value (a new PIN) the input must repeat. */
  readonly sameAs: string | null
}

export interface MenuCommand {
  readonly kind: string
  /** Command field -> session value name (`merchantCode: merchant`). */
  readonly fields: Readonly<Record<string, string>>
  /**
   * Message key of a successful result -> the state shown next (`payment.confirm_pin:
   * pay_merchant.confirm_pin`): the flow goes on with the result's params among its values.
   * A result whose key is not here closes the session with its text.
   */
  readonly then: Readonly<Record<string, string>>
  /** USSD texts for this command's results by message key, before the main.yaml ones. */
  readonly results: Readonly<Record<string, Texts>>
}

interface StateBase {
  readonly name: string
  /** The file the state is written in (basename), for problems and logs. */
  readonly file: string
}

export type MenuState =
  | (StateBase & { readonly kind: 'options'; readonly text: Texts; readonly options: readonly MenuOption[] })
  | (StateBase & { readonly kind: 'input'; readonly text: Texts; readonly input: MenuInput })
  | (StateBase & { readonly kind: 'command'; readonly command: MenuCommand })
  | (StateBase & { readonly kind: 'end'; readonly text: Texts })

/** The texts the engine itself shows, written in main.yaml under `texts:`. */
export const systemTextKeys = ['more', 'back', 'wrong_choice', 'too_many_wrong', 'wrong_service', 'timeout', 'restart'] as const
export type SystemTextKey = (typeof systemTextKeys)[number]

export interface MenuSet {
  /** The service code served, as dialled: `*123#`. */
  readonly service: string
  /** The state `*123#` and `00` open. */
  readonly home: string
  readonly texts: Readonly<Record<SystemTextKey, Texts>>
  /**
   * USSD texts for the core's messages by message key (`refusal.merchant_not_found`), used
   * instead of the catalogue's SMS-worded ones ("send again", "reply YES").
   */
  readonly results: Readonly<Record<string, Texts>>
  readonly states: ReadonlyMap<string, MenuState>
}

/** One thing wrong with the menu files; `state` is `-` for a file-level problem. */
export interface Problem {
  readonly file: string
  readonly state: string
  readonly message: string
}
