// The chat page at "/": the widget mounted full-page (one renderer for every customer). The token
// stays under "parley", where this page has always kept it, so conversations open before resume.
// "?debug" shows each answer's intent, entities and confidence (for whoever tunes the bot; customers never
// see them otherwise).
import { mount } from '../widget/widget.js';

const debug = new URLSearchParams(location.search).has('debug');
mount({ mount: document.getElementById('chat'), title: 'Parley', storageKey: 'parley', debug }, new URL('/', location.href).href);
// the page's own words follow the visitor's language too (the widget relabels itself as the conversation goes)
if ((navigator.language || '').toLowerCase().startsWith('zh')) {
  document.documentElement.lang = 'zh-CN';
  document.title = 'Parley — 在线客服';
  document.getElementById('chat').setAttribute('aria-label', '在线客服');
}
