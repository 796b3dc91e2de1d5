/**
 * A file message as Feishu delivers it (im.message.receive_v1 with message_type 'file' and content
 * {"file_key","file_name"}: https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/im-v1/message/events/message_content),
 * built on the text message envelope of ./events.ts.
 */
import { messageReceive, randomEventId } from './events.js';

export function fileMessageReceive(o: {
  chatId: string;
  chatType: 'group' | 'p2p';
  messageId: string;
  senderOpenId: string;
  fileKey: string;
  fileName: string;
  eventId?: string;
}) {
  const ev = messageReceive({
    chatId: o.chatId,
    chatType: o.chatType,
    messageId: o.messageId,
    senderOpenId: o.senderOpenId,
    text: '',
    eventId: o.eventId ?? randomEventId(),
  });
  return {
    ...ev,
    event: {
      ...ev.event,
      message: {
        ...ev.event.message,
        message_type: 'file',
        content: JSON.stringify({ file_key: o.fileKey, file_name: o.fileName }),
      },
    },
  };
}
