/** Every command the bot understands, in the order help lists them, and the buttons on the cards it sends. */
import { accountActions, accountCommands } from './accounts.js';
import { approveActions, approveCommands } from './approve.js';
import { bindingCommands } from './binding.js';
import type { CardAction } from './core/actions.js';
import type { Registry } from './core/dispatch.js';
import { createRegistry } from './core/registry.js';
import type { CommandSpec } from './core/types.js';
import { fileActions, filingCommands } from './file.js';
import { helpCommands } from './help.js';
import { holidaysCommands } from './holidays.js';
import { passwordCommands } from './password.js';
import { personCommands } from './person.js';
import { postCommands } from './post.js';
import { publishCommands } from './publish.js';
import { remindCommands } from './remind.js';
import { repostCommands } from './repost.js';
import { reviewCommands } from './review.js';
import { settingsCommands } from './settings.js';
import { unitCommands } from './unit.js';
import { whoamiCommands } from './whoami.js';
import { wordlistCommands } from './wordlist.js';

const specs: CommandSpec[] = [];
specs.push(
  ...helpCommands(() => specs),
  ...whoamiCommands,
  ...accountCommands,
  ...postCommands,
  ...passwordCommands,
  ...filingCommands,
  ...reviewCommands,
  ...approveCommands,
  ...publishCommands,
  ...wordlistCommands,
  ...repostCommands,
  ...unitCommands,
  ...personCommands,
  ...bindingCommands,
  ...settingsCommands,
  ...holidaysCommands,
  ...remindCommands,
);

export const registry: Registry = createRegistry(specs);

export const cardActions: readonly CardAction[] = [...fileActions, ...accountActions, ...approveActions];
