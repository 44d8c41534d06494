/**
 * index.ts - the menus' import surface: the one model, reader and checker of the dialogs written
 * as data under menus/ (USSD screens in menus/ussd, IVR call scripts in menus/ivr), and the one
 * walk over them (walk.ts), on which the USSD and IVR engines are thin media. Re-exports only.
 *
 * Why here: the machinery is shared by two channels, so it belongs to neither (a channel must not
 * import another), and menus/ stays data that imports only the core, as the style guide asks; the
 * gateway is the layer the channels may import. What a medium adds stays in its channel: the
 * USSD screens, paging and shortcuts (channels/ussd/menu/), the IVR prompts, DTMF collection and
 * timeouts (channels/ivr/flow/, channels/ivr/digits/).
 */

export type { CommandFault, CommandRules, Edge, MenuCheck, MenuGraph, Values } from './check.js'
export {
  commandFaults,
  isSuccessKey,
  knownMessageKeys,
  refuseProblems,
  unknownTargets,
  unreachable,
} from './check.js'
export type {
  BuiltCommand,
  CommandKindName,
  FieldKind,
  FieldSpec,
  MenuCommandRun,
} from './commands.js'
export {
  buildCommand,
  commandKinds,
  convertField,
  isCommandKind,
  isPaymentKind,
  paymentIdField,
  resultParamNames,
  runsFromShortcut,
} from './commands.js'
export type { FileProblem, Raw, Texts } from './file-reader.js'
export { isRecord, MenuFileReader } from './file-reader.js'
export type { MenuDialect, MenuFolder, MenuFolderLimits } from './load.js'
export { mainFile, readMenuFolder } from './load.js'
export type {
  MenuChoice,
  MenuCommand,
  MenuInput,
  MenuSetBase,
  Problem,
  StateBase,
} from './model.js'
export { formatProblems } from './model.js'
export { accountValueProblem, defaultAccountName, isOffered } from './offer.js'
export type { Swappable } from './swappable.js'
export { swappable } from './swappable.js'
export type { Validator, ValidatorName } from './validators.js'
export { isValidatorName, validatorNames, validators } from './validators.js'
export type {
  DialogValues,
  Move,
  Question,
  Routed,
  Turn,
  ValueOf,
} from './walk.js'
export {
  answer,
  commandOf,
  dialogLookup,
  enterState,
  fillText,
  firstTurn,
  isSecret,
  maskedInput,
  refuse,
  remember,
  resultTexts,
  routeResult,
  sayResult,
} from './walk.js'
