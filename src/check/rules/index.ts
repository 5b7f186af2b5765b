import type { Rule } from "../context.js";
import { applyRule } from "./apply.rule.js";
import { defaultsRule } from "./defaults.rule.js";
import { duplicateNamesRule } from "./duplicate-names.rule.js";
import { emitsRule } from "./emits.rule.js";
import { externalRule } from "./external.rule.js";
import { fieldTypesRule } from "./field-types.rule.js";
import { nameCollisionsRule } from "./name-collisions.rule.js";
import { policiesRule } from "./policies.rule.js";
import { reactionCyclesRule } from "./reaction-cycles.rule.js";
import { reactionsRule } from "./reactions.rule.js";
import { recursiveTypesRule } from "./recursive-types.rule.js";
import { reservedNamesRule } from "./reserved-names.rule.js";
import { viewsRule } from "./views.rule.js";
import { whenRule } from "./when.rule.js";
import { uniqueRule } from "./unique.rule.js";
import { indexFieldRule } from "./index-field.rule.js";
import { checkedRefsRule } from "./checked-refs.rule.js";
import { naturalKeyRule } from "./natural-key.rule.js";
import { neverAllowedRule } from "./never-allowed.rule.js";

/** Every semantic rule of DESIGN §3 (and §7 for reactions). Each is independent; they all run and report together. */
export const rules: readonly Rule[] = [
  duplicateNamesRule,
  reservedNamesRule,
  nameCollisionsRule,
  fieldTypesRule,
  recursiveTypesRule,
  defaultsRule,
  emitsRule,
  whenRule,
  applyRule,
  policiesRule,
  neverAllowedRule,
  externalRule,
  reactionsRule,
  reactionCyclesRule,
  uniqueRule,
  indexFieldRule,
  checkedRefsRule,
  naturalKeyRule,
  viewsRule,
];
