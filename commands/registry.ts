/** Every command the bot understands, in the order help lists them. */
import { accountCommands } from './accounts.js';
import { deliveryCommands } from './delivery.js';
import type { Registry } from './dispatch.js';
import { filingCommands } from './filing.js';
import { helpCommands } from './help.js';
import { personCommands } from './person.js';
import { remindCommands } from './remind.js';
import { reportCommands } from './report.js';
import { createRegistry } from './registry-core.js';
import { repostCommands } from './repost.js';
import { reviewCommands } from './review.js';
import { settingsCommands } from './settings.js';
import type { CommandSpec } from './types.js';
import { unitCommands } from './unit.js';

const specs: CommandSpec[] = [];
specs.push(
  ...helpCommands(() => specs),
  ...accountCommands,
  ...filingCommands,
  ...reviewCommands,
  ...repostCommands,
  ...unitCommands,
  ...personCommands,
  ...settingsCommands,
  ...remindCommands,
  ...reportCommands,
  ...deliveryCommands,
);

export const registry: Registry = createRegistry(specs);
