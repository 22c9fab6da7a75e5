// The widget's words, in English and Chinese. The page follows the visitor's language until they write;
// then the language of their latest message wins (languageOf).
export const TEXT = {
  en: { title: 'Chat with us', greeting: 'Hi! How can we help you today?', placeholder: 'Type your message…', send: 'Send',
    open: 'Open chat', close: 'Close chat', human: 'Talk to a person', offline: 'Connection lost. Reconnecting… Messages you send now go out when it is back.',
    typing: 'is typing…', support: 'Support', rate: 'How did we do?', rateSend: 'Rate', comment: 'Comment (optional)', unread: 'unread messages',
    connecting: 'connecting…', online: 'online', reconnecting: 'reconnecting…', newChat: 'New chat', newChatTitle: 'Start a new conversation',
    retry: 'Retry', interrupted: '(interrupted)', slowDown: 'Too many messages at once. Yours is kept and sent again by itself shortly.',
    assistant: 'Assistant', offlineAnswer: 'Automatic reply: our assistant is offline right now', tooLong: 'This message is too long ({n} characters, at most {max}). Please shorten it; your text is still in the box.',
    notSent: 'Not sent', sources: 'Sources', ai: 'AI-generated', about: 'About this AI assistant',
    attach: 'Send a photo', image: 'Photo', imageGone: '(photo not available)', notImage: 'Please choose an image (JPEG, PNG, WebP or GIF).',
    imageTooLarge: 'This image is too large (at most 5 MB).', imageFailed: 'The photo could not be sent. Please try again.' },
  zh: { title: '在线客服', greeting: '您好！请问有什么可以帮您？', placeholder: '请输入您的问题…', send: '发送',
    open: '打开聊天', close: '关闭聊天', human: '转人工', offline: '连接已断开，正在重连…现在发送的消息会在恢复后送达。',
    typing: '正在输入…', support: '客服', rate: '请为本次服务评分', rateSend: '提交', comment: '留言（可选）', unread: '条未读消息',
    connecting: '连接中…', online: '在线', reconnecting: '重连中…', newChat: '新对话', newChatTitle: '开始新的对话',
    retry: '重试', interrupted: '（已中断）', slowDown: '发送太频繁了。您的消息已保留，稍后会自动重新发送。',
    assistant: '智能助手', offlineAnswer: '自动回复：智能助手暂时离线', tooLong: '消息太长（{n} 字，最多 {max} 字）。请删减后再发送，您的文字仍在输入框中。',
    notSent: '未发送', sources: '来源', ai: 'AI 生成', about: '关于 AI 助手',
    attach: '发送图片', image: '图片', imageGone: '（图片无法显示）', notImage: '请选择图片文件（JPEG、PNG、WebP 或 GIF）。',
    imageTooLarge: '图片太大（最大 5 MB）。', imageFailed: '图片发送失败，请重试。' },
};

/** 'zh' for a message in Chinese, 'en' for one in a Latin script, null when it says nothing (numbers, emoji). */
export function languageOf(text) {
  if (/[\u3400-\u9fff]/.test(text)) return 'zh';
  return /[A-Za-z]{3,}/.test(text) ? 'en' : null;
}
