/**
 * Notification routing, once for commands and the daily sweep: a unit is told in its bound work groups (each once),
 * or through its liaisons when it has none; a person on the channel they are reachable on (the one the command came
 * in on first); the admins each directly, plus bootstrap admins not registered yet. Who could not be reached is said.
 */
import type { ChannelName, Identity, PersonWithRoles } from '../domain/model.js';
import type { Reply } from '../domain/reply.js';
import type { NotificationPlan, Notifier, NotifyOptions, Recipient, Services } from '../ports/services.js';
import { channelLabel } from '../ports/services.js';
import type { OutboxMessage } from '../ports/store.js';

type Deps = Pick<Services, 'store' | 'adminIdentities' | 'deliveryChannels' | 'channels'>;

export function createNotifier(deps: Deps): Notifier {
  const label = (c: ChannelName): string => channelLabel(deps, c);

  function personTarget(person: { identities: readonly Identity[] }, prefer?: ChannelName): Identity | null {
    // The preferred channel, then the channels that deliver, then any other identity (queued until its channel is on).
    const order = [...new Set([...(prefer ? [prefer] : []), ...deps.deliveryChannels])];
    for (const ch of order) {
      const id = person.identities.find((i) => i.channel === ch);
      if (id && ch !== 'console') return id;
    }
    return person.identities.find((i) => i.channel !== 'console') ?? null;
  }

  async function plan(to: Recipient, reply: Reply, opts: NotifyOptions = {}): Promise<NotificationPlan> {
    const messages: OutboxMessage[] = [];
    const reached: string[] = [];
    const unreachable: string[] = [];
    // A message to one person keeps the key as given (a card can be found by it later to update it); messages to
    // several targets get the target appended.
    const key = (target: string): string | null =>
      opts.dedupeKey ? ('person' in to ? opts.dedupeKey : `${opts.dedupeKey}|${target}`) : null;
    const toIdentity = (id: Identity, who: string): void => {
      const same = (m: OutboxMessage): boolean =>
        m.targetType === 'user' && m.channel === id.channel && m.target === id.externalId;
      if (messages.some(same)) return;
      messages.push({
        channel: id.channel,
        targetType: 'user',
        target: id.externalId,
        payload: reply,
        dedupeKey: key(`${id.channel}:user:${id.externalId}`),
      });
      reached.push(who);
    };
    const toPerson = (p: PersonWithRoles): void => {
      const id = personTarget(p, opts.prefer);
      if (id) toIdentity(id, `${p.name}（${label(id.channel)}）`);
      else unreachable.push(p.name);
    };
    if ('person' in to) toPerson(to.person);
    else if ('unit' in to) {
      // A WeCom group is reachable only through its push webhook (the bot can't post into it on its own).
      const chats = (await deps.store.units.chats(to.unit.id)).filter(
        (c) => c.channel !== 'console' && !(c.channel === 'wecom' && !c.pushUrl),
      );
      for (const c of chats) {
        messages.push({
          channel: c.channel,
          targetType: 'chat',
          target: c.chatId,
          payload: reply,
          dedupeKey: key(`${c.channel}:chat:${c.chatId}`),
        });
        reached.push(`「${to.unit.name}」工作群（${label(c.channel)}）`);
      }
      if (chats.length === 0) {
        const liaisons = await deps.store.people.withRole('liaison', to.unit.id);
        for (const p of liaisons) toPerson(p);
        if (liaisons.length === 0) unreachable.push(`「${to.unit.name}」（未绑定工作群，也没有联络员）`);
      }
    } else {
      const admins = await deps.store.people.withRole('admin', null);
      for (const p of admins) toPerson(p);
      for (const id of deps.adminIdentities) {
        const known = admins.some((a) =>
          a.identities.some((x) => x.channel === id.channel && x.externalId === id.externalId),
        );
        if (id.channel !== 'console' && !known) toIdentity(id, `管理员 ${id.channel}:${id.externalId}`);
      }
    }
    return { messages, reached, unreachable };
  }

  return { plan, personTarget };
}
